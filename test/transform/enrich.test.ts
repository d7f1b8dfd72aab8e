import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enrichEvent } from '../../pipeline/transform/enrich.js';
import { exceedsNesting, MAX_NESTING_DEPTH } from '../../pipeline/transform/nesting-depth.js';
import { encodeEvent } from '../../simulator/encoder.js';
import { EVENT_CATALOG } from '../../simulator/events/catalog.js';
import type { TelemetryEvent } from '../../simulator/events/event.js';
import { uuidFrom } from '../../simulator/events/uuid.js';
import { createRng } from '../../common/rng.js';
import { eventWithDeepField, nestedArrays, telemetryEvent } from './fixtures.js';

const bytes = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function enrichedObject(value: unknown): Record<string, unknown> {
  const result = enrichEvent(bytes(value));
  if (!result.ok) throw new Error(`expected ok, got ${result.errorCode}: ${result.errorMessage}`);
  expect(result.line.endsWith('\n')).toBe(true);
  expect(result.line.slice(0, -1)).not.toContain('\n');
  return JSON.parse(result.line) as Record<string, unknown>;
}

describe('enrichEvent', () => {
  it('adds created_datetime, event_type and event_subtype after the original fields', () => {
    const input = telemetryEvent();
    const out = enrichedObject(input);
    expect(Object.keys(out)).toEqual([...Object.keys(input), 'created_datetime', 'event_type', 'event_subtype']);
    expect(out).toEqual({ ...input, created_datetime: '2024-06-01T12:34:56.789Z', event_type: 'vehicle', event_subtype: 'telemetry' });
  });

  it('gives zero-padded UTC partition keys from the event time', () => {
    const result = enrichEvent(bytes(telemetryEvent({ created_at: 1704074700, event_name: 'trip:started' }))); // 2024-01-01T02:05:00Z
    expect(result).toMatchObject({ ok: true, partitionKeys: { event_type: 'trip', year: '2024', month: '01', day: '01', hour: '02' } });
  });

  it('sets event_subtype to null for a bare type and uses only the second part of a longer name', () => {
    expect(enrichedObject(telemetryEvent({ event_name: 'heartbeat' }))).toMatchObject({ event_type: 'heartbeat', event_subtype: null });
    expect(enrichedObject(telemetryEvent({ event_name: 'charge:session:completed' }))).toMatchObject({
      event_name: 'charge:session:completed',
      event_type: 'charge',
      event_subtype: 'session',
    });
  });

  it('keeps milliseconds exact despite floating point (…0.123 is …122.9998 in binary)', () => {
    expect(enrichedObject(telemetryEvent({ created_at: 1700000000.123 })).created_datetime).toBe('2023-11-14T22:13:20.123Z');
    expect(enrichedObject(telemetryEvent({ created_at: 1700000000 })).created_datetime).toBe('2023-11-14T22:13:20.000Z');
  });

  it('replaces stale derived fields so the lake partition always matches event_name', () => {
    const out = enrichedObject(telemetryEvent({ event_type: 'wrong', event_subtype: 'stale' }));
    expect(out).toMatchObject({ event_type: 'vehicle', event_subtype: 'telemetry' });
    expect(Object.keys(out).slice(-3)).toEqual(['created_datetime', 'event_type', 'event_subtype']);
  });

  it.each([
    ['bytes that are not UTF-8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), 'InvalidUtf8', 'record: is not valid UTF-8 (got 4 bytes)'],
    ['malformed JSON', '{"event_uuid": ', 'InvalidJson', 'record: is not valid JSON'],
    ['an empty record', '', 'InvalidJson', 'record: is not valid JSON'],
    ['a JSON array', '[1,2]', 'NotAnObject', 'record: must be a JSON object (got [1,2])'],
    ['a JSON string', '"hello"', 'NotAnObject', 'record: must be a JSON object (got "hello")'],
    ['a missing event_uuid', telemetryEvent({ event_uuid: undefined }), 'MissingField', 'event_uuid: is required'],
    ['a null event_name', telemetryEvent({ event_name: null }), 'MissingField', 'event_name: is required (got null)'],
    ['a missing created_at', telemetryEvent({ created_at: undefined }), 'MissingField', 'created_at: is required'],
    ['a UUID that is not one', telemetryEvent({ event_uuid: 'not-a-uuid' }), 'InvalidField', 'event_uuid: must be a UUID'],
    ['an empty event_name', telemetryEvent({ event_name: '' }), 'InvalidField', 'event_name: must be "type[:subtype…]"'],
    ['an event_name with an empty part', telemetryEvent({ event_name: 'vehicle::x' }), 'InvalidField', '(got "vehicle::x")'],
    ['an event_name with a slash', telemetryEvent({ event_name: 'a/b:c' }), 'InvalidField', '(got "a/b:c")'],
    ['created_at as a string', telemetryEvent({ created_at: '1717245296' }), 'InvalidField', 'created_at: must be a finite number of Unix seconds'],
    ['created_at in milliseconds', telemetryEvent({ created_at: 1717245296789 }), 'InvalidField', 'created_at: looks like milliseconds'],
    ['created_at before 2000', telemetryEvent({ created_at: 12 }), 'InvalidField', 'created_at: must be Unix seconds between 2000-01-01 and 2100-01-01 (got 12)'],
    ['created_at after 2100', telemetryEvent({ created_at: 4200000000 }), 'InvalidField', '(got 4200000000)'],
  ])('refuses %s with a reason naming the field', (_label, input, errorCode, message) => {
    const result = enrichEvent(input instanceof Uint8Array ? input : bytes(input));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errorCode).toBe(errorCode);
    expect(result.errorMessage).toContain(message);
  });

  it('accepts everything the simulator emits: every catalog name, seeded UUIDs, its telemetry encoding', () => {
    const rng = createRng(7);
    for (const eventName of EVENT_CATALOG) {
      const event = { event_uuid: uuidFrom(rng), event_name: eventName, created_at: 1717245296.789, vehicle_id: 'SD-0001', seq: 1 };
      expect(enrichEvent(bytes(event)), eventName).toMatchObject({ ok: true, partitionKeys: { event_type: eventName.split(':')[0] } });
    }
    const reading: TelemetryEvent = {
      event_uuid: uuidFrom(rng), event_name: 'vehicle:telemetry', created_at: 1717245296.789, vehicle_id: 'SD-0001', seq: 2,
      vehicle_class: 'car', trip_id: 'T-1', lat: 32.7157, lon: -117.1611, heading_deg: 90, speed_kmh: 48.5, accel_mps2: 0.2,
      odometer_km: 10.5, road: 'I-5', speed_limit_kmh: 105, co2_g: 3.2, nox_g: 0.01, pm25_g: 0.001, co_g: 0.1, hc_g: 0.01,
      fuel_g: 1.2, fuel_level_pct: 55,
    };
    const telemetry = encodeEvent(reading); // the simulator's hand-rolled fast path
    expect(enrichedObject(telemetry)).toMatchObject({ ...(JSON.parse(telemetry) as object), event_type: 'vehicle', event_subtype: 'telemetry' });
  });

  it('round-trips any valid event with exactly the three fields added (property)', () => {
    const reserved = new Set(['event_uuid', 'event_name', 'created_at', 'created_datetime', 'event_type', 'event_subtype']);
    const namePart = fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/);
    const validEvent = fc.record({
      uuid: fc.uuid(),
      nameParts: fc.array(namePart, { minLength: 1, maxLength: 4 }),
      // Any millisecond between 2000-01-01 and 2100-01-01, as fractional seconds.
      createdMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) - 1 }),
      extra: fc.dictionary(
        fc.string().filter((key) => !reserved.has(key)),
        fc.jsonValue(),
      ),
    });
    fc.assert(
      fc.property(validEvent, ({ uuid, nameParts, createdMs, extra }) => {
        const input = { ...extra, event_uuid: uuid, event_name: nameParts.join(':'), created_at: createdMs / 1000 };
        const sent = JSON.parse(JSON.stringify(input)) as Record<string, unknown>; // what travels as bytes
        const result = enrichEvent(bytes(sent));
        if (!result.ok) throw new Error(result.errorMessage);
        const out = JSON.parse(result.line) as Record<string, unknown>;
        const iso = new Date(createdMs).toISOString();

        expect(Object.keys(out)).toEqual([...Object.keys(sent), 'created_datetime', 'event_type', 'event_subtype']);
        const { created_datetime, event_type, event_subtype, ...rest } = out;
        expect(rest).toEqual(sent);
        expect(created_datetime).toBe(iso);
        expect(event_type).toBe(nameParts[0]);
        expect(event_subtype).toBe(nameParts[1] ?? null);
        expect(result.partitionKeys).toEqual({
          event_type: nameParts[0],
          year: iso.slice(0, 4),
          month: iso.slice(5, 7),
          day: iso.slice(8, 10),
          hour: iso.slice(11, 13),
        });
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it.each([10_000, 100_000])('refuses a record nested %i deep, as a field or as the root, with a nesting reason', (depth) => {
    for (const text of [eventWithDeepField(depth), nestedArrays(depth), `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
      const result = enrichEvent(bytes(text));
      expect(result).toMatchObject({ ok: false, errorCode: 'NestingTooDeep' });
      if (!result.ok) expect(result.errorMessage).toMatch(/^record: nests deeper than 100 levels \(at byte \d+\) \(got "/);
    }
  });

  it('accepts nesting up to the limit and counts brackets inside strings as text', () => {
    expect(enrichEvent(bytes(eventWithDeepField(MAX_NESTING_DEPTH - 1)))).toMatchObject({ ok: true }); // the event is one level
    expect(enrichEvent(bytes(eventWithDeepField(MAX_NESTING_DEPTH)))).toMatchObject({ ok: false, errorCode: 'NestingTooDeep' });
    const brackets = telemetryEvent({ note: `\\"${'['.repeat(5000)}\\`, tricky: '\\' });
    expect(enrichedObject(brackets)).toMatchObject({ note: brackets.note, tricky: '\\' });
  });

  it('measures nesting exactly like the parsed value does (property)', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, limit) => {
        const tooDeep = exceedsNesting(bytes(JSON.stringify(value)), limit) !== undefined;
        expect(tooDeep).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500, seed: 8 },
    );
  });
});
