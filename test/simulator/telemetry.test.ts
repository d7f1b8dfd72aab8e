// The byte writer prints exactly what JSON.stringify prints, and the NDJSON file sink writes the
// same stream byte for byte, run after run.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../common/rng.js';
import { createSimulation, loadScenario } from '../../simulator/index.js';
import { uuidFrom } from '../../simulator/events/uuid.js';
import { createNdjsonSink } from '../../simulator/sinks/ndjson-sink.js';
import { encodeEvent, type FleetEvent } from '../../simulator/index.js';
import { ByteWriter } from '../../simulator/telemetry/byte-writer.js';
import { EventLine, eventKey } from '../../simulator/telemetry/event-line.js';
import { capture } from './support.js';

const text = (write: (w: ByteWriter) => void): string => {
  const w = new ByteWriter(64);
  w.reserve(64);
  write(w);
  return w.buf.toString('latin1', 0, w.pos);
};

describe('byte writer', () => {
  it('prints numbers rounded to d decimals as JSON.stringify prints the rounded double', () => {
    const rng = createRng(1, 2);
    const specials = [0, -0, 0.5, -0.5, 1e-7, -1e-7, 0.0049999, 123456789.1234567, 99999999999999.98, 1e15, -1e16, 1e300, 5e-324, NaN, Infinity, -Infinity, 32.7157, -117.1611];
    const values = [...specials];
    for (let i = 0; i < 20_000; i++) values.push((rng.next() - 0.5) * 10 ** rng.int(12), rng.int(1_000_000) / 10 ** rng.int(8));
    const wrong: string[] = [];
    for (const x of values) {
      for (let d = 0; d <= 6; d++) {
        const scale = 10 ** d;
        const got = text((w) => w.fixed(x, d));
        if (got !== JSON.stringify(Math.round(x * scale) / scale)) wrong.push(`${x} to ${d}: ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('prints integers and UUIDs as the string paths do', () => {
    for (const n of [0, 1, 9, 10, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, 999_999_999_999_999]) expect(text((w) => w.uint(n))).toBe(String(n));
    const a = createRng(7, 7);
    const b = createRng(7, 7);
    for (let i = 0; i < 1000; i++) expect(text((w) => w.uuid(a.u32(), a.u32(), a.u32(), a.u32()))).toBe(uuidFrom(b));
  });

  it('starts a new chunk when one is full and never overwrites bytes handed out', () => {
    const w = new ByteWriter(16);
    w.reserve(10);
    w.ascii('0123456789');
    const first = w.buf;
    w.reserve(10);
    w.ascii('abcdefghij');
    expect(w.buf).not.toBe(first);
    expect(first.toString('latin1', 0, 10)).toBe('0123456789');
  });
});

describe('encodeEvent of a reading', () => {
  it('prints ids that are not ours as given, and ours from their numbers, as JSON.stringify does', () => {
    const base = { event_uuid: 'f7469b85-eb25-439f-acc1-20c8b120146c', event_name: 'vehicle:telemetry', created_at: 1772560802.041 };
    const tail = { lat: 32.748259, lon: -117.161071, heading_deg: 0, speed_kmh: 0, accel_mps2: 0, odometer_km: 524099.751, road: 'Park "Blvd"', speed_limit_kmh: 64.4, co2_g: 5.286, nox_g: 0.06075, pm25_g: 0.002006, co_g: 0.02017, hc_g: 0.00485, fuel_g: 1.671, fuel_level_pct: 27.83 };
    const ids: [string, string | null][] = [['SD000001', 'SD000001-T12'], ['SD000001', null], ['SD1234567', 'SD1234567-T1'], ['bus-7', 'bus-7-T1'], ['SD01', 'SD01-T1'], ['SD000001', 'SD000001-T01'], ['SD000001', 'trip 9']];
    for (const [vehicle_id, trip_id] of ids) {
      const ev = { ...base, vehicle_id, seq: 9, vehicle_class: 'bus', trip_id, ...tail };
      expect(encodeEvent(ev)).toBe(JSON.stringify(ev));
    }
  });
});

describe('event line', () => {
  it('writes what JSON.stringify prints for the object it builds, also when a long text moves the line to a new chunk', () => {
    const got: [FleetEvent, string][] = [];
    const w = new ByteWriter(1200);
    const line = new EventLine(w, (ev, json) => got.push([{ ...ev }, json]));
    const long = 'Café "Ocean" Beach\\\n'.repeat(150);
    for (const text of ['Park Boulevard', long, null]) {
      line.begin('trip:started', 1, 2, 3, 4, 1772560802.041, 42, 'SD000042', 7).number(eventKey('lat'), 32.71234567, 6).text(eventKey('origin'), text).id(eventKey('trip_id'), 'SD000042-T3').flag(eventKey('charging'), true).number(eventKey('planned_duration_s'), 611.5, 0).end();
    }
    expect(got.map(([, json]) => json)).toEqual(got.map(([ev]) => JSON.stringify(ev)));
    expect(got[1][0]).toMatchObject({ event_name: 'trip:started', vehicle_id: 'SD000042', seq: 7, lat: 32.712346, origin: long, trip_id: 'SD000042-T3', charging: true, planned_duration_s: 612 });
    expect(got[0][0].event_uuid).toBe(text((bw) => bw.uuid(1, 2, 3, 4)));
  });
});

describe('NDJSON sink', () => {
  const collect = () => {
    const chunks: Buffer[] = [];
    const out = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        setImmediate(done); // a slow disk: the sink has to wait for 'drain'
      },
    });
    return { out, bytes: () => Buffer.concat(chunks) };
  };
  const run = async () => {
    const { out, bytes } = collect();
    const sink = createNdjsonSink(out, { batchBytes: 16 * 1024 });
    const summary = await createSimulation(loadScenario('scenarios/demo.yaml')).run(sink, { pace: 'max', durationS: 300 });
    await sink.flush();
    await new Promise<void>((resolve) => out.end(resolve));
    return { summary, bytes: bytes() };
  };

  it('writes a byte-identical stream for the same seed and scenario, the lines of the event stream', async () => {
    const [one, two] = [await run(), await run()];
    expect(one.bytes.equals(two.bytes)).toBe(true);
    const lines = one.bytes.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(one.summary.records);
    const reference = await capture('scenarios/demo.yaml', { durationS: 300 });
    expect(lines).toEqual(reference.lines);
  });
});
