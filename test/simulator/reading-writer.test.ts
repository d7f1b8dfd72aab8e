// The reading writer prints, field by field, what JSON.stringify prints for the rounded event: random
// values of every size and sign in every numeric field, zeros, -0, NaN and ±Infinity (null), rounding
// ties, numbers past the writer's fast path and in exponent notation, both id paths, cached and
// named roads, EVs, and idle emissions blocks and timestamps' seconds that are copied when they repeat.
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../common/rng.js';
import { uuidFrom } from '../../simulator/events/uuid.js';
import { vehicleIdOf } from '../../simulator/fleet/identity.js';
import { ByteWriter } from '../../simulator/telemetry/byte-writer.js';
import { ReadingWriter } from '../../simulator/telemetry/reading-writer.js';
import { CO2_G, ENERGY_WH, FUEL_G, HC_G, newReading, READING_DECIMALS, READING_NUMBERS, SPEED_KMH, type Reading } from '../../simulator/telemetry/wire.js';

/** A value for a field of `decimals` places: typical, tiny, huge, tied, special. */
function valueFor(rng: Rng, decimals: number): number {
  const scale = 10 ** decimals;
  const sign = rng.next() < 0.5 ? -1 : 1;
  switch (rng.int(12)) {
    case 0:
      return [0, -0, NaN, Infinity, -Infinity, 1e-9, -1e-9, 5e-324][rng.int(8)];
    case 1: // a tie at this precision (x · 10^d ends in .5)
      return (sign * (2 * rng.int(2_000_000) + 1)) / (2 * scale);
    case 2: // any size: past the fast path (2^31 · 10^d, 1e15) and into exponent notation (≥ 1e21)
      return sign * rng.next() * 10 ** rng.int(25);
    case 3: // near the int32 edge of the whole part
      return sign * (2 ** 31 + (rng.next() - 0.5) * 4);
    case 4: // below the precision: rounds to 0 or -0
      return (sign * rng.next()) / (2 * scale);
    case 5: // whole numbers
      return sign * rng.int(1_000_000);
    case 6: // few significant digits (trailing zeros to strip)
      return (sign * rng.int(1000)) / 10 ** rng.int(7);
    case 7: // timestamps
      return 1_772_560_800 + rng.next() * 86_400;
    default: // everyday values of a reading
      return sign * rng.next() * 10 ** rng.int(7);
  }
}

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const ROADS = ['Park Boulevard', 'Interstate 5', 'Café "Ocean" Beach\\', 'Camino del Río\n', 'A'];
const CLASSES = ['car', 'bus', 'drayage', 'ev', 'van'];

/** A random reading and the event it stands for (rounded, in wire order). */
function draw(rng: Rng, uuid: Rng, last: Reading | undefined): { r: Reading; ev: Record<string, unknown> } {
  const r = newReading();
  const [a, b, c, d] = [uuid.u32(), uuid.u32(), uuid.u32(), uuid.u32()];
  r.uuid.set([a, b, c, d]);
  for (let k = 0; k < READING_NUMBERS.length; k++) r.n[k] = valueFor(rng, READING_DECIMALS[READING_NUMBERS[k]]);
  r.ev = rng.next() < 0.3;
  r.vehicle_class = CLASSES[rng.int(CLASSES.length)];
  r.seq = rng.int(3) === 0 ? rng.int(2 ** 31) : rng.int(100);
  if (rng.next() < 0.7) {
    r.index = rng.int(3) === 0 ? 1_000_000 + rng.int(1000) : rng.int(2000);
    r.trip = rng.int(3) === 0 ? 0 : 1 + rng.int(rng.int(2) === 0 ? 20 : 2 ** 30);
    r.vehicle_id = vehicleIdOf(r.index);
    r.trip_id = r.trip === 0 ? null : `${r.vehicle_id}-T${r.trip}`;
  } else {
    r.vehicle_id = ['bus-7', 'SD01', 'x'][rng.int(3)];
    r.trip_id = rng.int(2) === 0 ? null : `trip ${rng.int(100)}`;
  }
  const road = rng.int(4);
  r.roadId = road === 0 ? -1 : rng.int(ROADS.length);
  r.road = road === 0 ? null : ROADS[r.roadId];
  if (road === 1) r.roadId = -1; // named only
  // Idling vehicles of a class repeat their emissions block (copied by the writer).
  if (last !== undefined && rng.next() < 0.4) {
    r.vehicle_class = last.vehicle_class;
    r.ev = last.ev;
    r.n.set(last.n.subarray(CO2_G, ENERGY_WH + 1), CO2_G);
    if (rng.next() < 0.8) r.n[SPEED_KMH] = 0;
  }
  // Readings of a step share created_at's second (its text is copied while it repeats).
  if (last !== undefined && rng.next() < 0.3) r.n[0] = Math.trunc(last.n[0]) + rng.next();
  const n = (k: number) => round(r.n[k], READING_DECIMALS[READING_NUMBERS[k]]);
  const ev: Record<string, unknown> = { event_uuid: '', event_name: 'vehicle:telemetry', created_at: n(0), vehicle_id: r.vehicle_id, seq: r.seq, vehicle_class: r.vehicle_class, trip_id: r.trip_id };
  for (let k = 1; k < CO2_G; k++) {
    if (READING_NUMBERS[k] === 'speed_limit_kmh') ev.road = r.road;
    ev[READING_NUMBERS[k]] = n(k);
  }
  for (let k = CO2_G; k <= HC_G; k++) ev[READING_NUMBERS[k]] = n(k);
  const power = r.ev ? ['energy_wh', 'soc_pct'] : ['fuel_g', 'fuel_level_pct'];
  const at = r.ev ? ENERGY_WH : FUEL_G;
  ev[power[0]] = n(at);
  ev[power[1]] = n(at + 1);
  return { r, ev };
}

describe('reading writer', () => {
  it('prints JSON.stringify of the rounded event for random values of every field', () => {
    const rng = createRng(13, 1);
    const uuids = createRng(13, 2);
    const check = createRng(13, 2);
    const writer = new ReadingWriter(new ByteWriter(4096)); // small chunks: lines often begin a new one
    const wrong: string[] = [];
    let last: Reading | undefined;
    for (let i = 0; i < 20_000; i++) {
      const { r, ev } = draw(rng, uuids, last);
      ev.event_uuid = uuidFrom(check);
      const start = writer.write(r);
      const got = writer.out.buf.toString('utf8', start, writer.out.pos);
      const want = JSON.stringify(ev);
      if (got !== want && wrong.length < 5) wrong.push(`${got}\n${want}`);
      last = r;
    }
    expect(wrong).toEqual([]);
  });
});
