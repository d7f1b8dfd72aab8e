// Determinism, seq, worker splits, encoder and geometry on the demo scenario.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, type FleetEvent } from '../../simulator/index.js';
import { createBoundary } from '../../simulator/roads/boundary.js';
import { pointSegmentDistance, xOf, yOf } from '../../simulator/roads/geo.js';
import { loadRoadGraph } from '../../simulator/roads/graph.js';
import { capture, type Captured } from './support.js';

const DEMO = 'scenarios/demo.yaml';
let full: Captured;
beforeAll(async () => {
  full = await capture(DEMO, { durationS: 900 });
});

describe('event stream', () => {
  it('is byte-identical for the same seed and scenario, and differs for another seed', async () => {
    const again = await capture(DEMO, { durationS: 900, keep: false });
    expect(again.hash).toBe(full.hash);
    expect(full.summary.records).toBeGreaterThan(1000);
    const other = await capture(DEMO, { durationS: 900, seed: 43, keep: false });
    expect(other.hash).not.toBe(full.hash);
  });

  it('has the DESIGN header and a gapless seq from 1 per vehicle', () => {
    const seqs = new Map<string, number>();
    for (const ev of full.events) {
      expect(ev.event_uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ev.event_name).toMatch(/^[a-z0-9_]+:[a-z0-9_]+(:[A-Za-z0-9_]+)?$/);
      expect(Number.isInteger(Math.round(ev.created_at * 1000))).toBe(true);
      const prev = seqs.get(ev.vehicle_id) ?? 0;
      expect(ev.seq).toBe(prev + 1);
      seqs.set(ev.vehicle_id, ev.seq);
    }
    expect(Object.fromEntries(seqs)).toEqual(full.summary.lastSeq);
    expect(new Set(full.events.map((e) => e.event_uuid)).size).toBe(full.events.length);
  });

  it('gives a sink that takes telemetry as text (writeTelemetry) the same lines, seqs and summary', async () => {
    const text = await capture(DEMO, { durationS: 900, jsonTelemetry: true });
    expect(text.hash).toBe(full.hash);
    expect(text.events.map((e) => `${e.vehicle_id}#${e.seq}`)).toEqual(full.events.map((e) => `${e.vehicle_id}#${e.seq}`));
    expect(text.summary.lastSeq).toEqual(full.summary.lastSeq);
    expect(text.summary.eventsByType).toEqual(full.summary.eventsByType);
    const cut = await capture(DEMO, { maxRecords: 777, jsonTelemetry: true });
    expect(cut.lines).toEqual(full.lines.slice(0, 777));
  });

  it('gives a sink that takes telemetry as bytes (writeTelemetryBytes) the same lines, seqs and summary', async () => {
    const bytes = await capture(DEMO, { durationS: 900, bytesTelemetry: true });
    expect(bytes.hash).toBe(full.hash);
    expect(bytes.summary.lastSeq).toEqual(full.summary.lastSeq);
    expect(bytes.summary.eventsByType).toEqual(full.summary.eventsByType);
    const cut = await capture(DEMO, { maxRecords: 777, bytesTelemetry: true });
    expect(cut.lines).toEqual(full.lines.slice(0, 777));
  });

  it('gives a sink that takes events as bytes too (writeEventBytes) the same lines, seqs and summary', async () => {
    const bytes = await capture(DEMO, { durationS: 900, bytesTelemetry: true, bytesEvents: true });
    expect(bytes.hash).toBe(full.hash);
    expect(bytes.summary.lastSeq).toEqual(full.summary.lastSeq);
    expect(bytes.summary.eventsByType).toEqual(full.summary.eventsByType);
    const cut = await capture(DEMO, { maxRecords: 777, bytesTelemetry: true, bytesEvents: true });
    expect(cut.lines).toEqual(full.lines.slice(0, 777));
  });

  it('brings vehicles online over the first seconds, each at its phase, not all in the first step', async () => {
    const buses = await capture({ name: 'buses', seed: 9, start: '2026-03-03T10:00:00', fleet: { vehicles: 300, mix: { bus: 1 } } }, { durationS: 15 });
    const t0 = buses.events[0].created_at;
    const ignitions = buses.events.filter((e) => e.event_name === 'ignition:on').map((e) => Math.floor(e.created_at - t0));
    expect(ignitions).toHaveLength(300); // every bus online within the spread
    const perSecond = new Map<number, number>();
    for (const s of ignitions) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(300 / 4);
    expect(perSecond.size).toBeGreaterThanOrEqual(8);
  });

  it('stops after exactly maxRecords without gaps', async () => {
    const cut = await capture(DEMO, { maxRecords: 777 });
    expect(cut.events.length).toBe(777);
    expect(cut.summary.stoppedBy).toBe('max_records');
    expect(cut.lines).toEqual(full.lines.slice(0, 777));
  });

  it('encodes every event as JSON.stringify would, one object per line', () => {
    for (const ev of full.events) expect(encodeEvent(ev)).toBe(JSON.stringify(ev));
    for (const line of full.lines.slice(0, 2000)) expect(JSON.parse(line)).toBeTypeOf('object');
  });

  it('writes every line as JSON.stringify of the event object handed with it (events written as bytes too)', () => {
    const wrong = full.events.filter((ev, i) => full.lines[i] !== JSON.stringify(ev));
    expect(wrong).toEqual([]);
    const names = new Set(full.events.map((ev) => ev.event_name));
    for (const name of ['door:unlocked', 'ignition:on', 'engine:started', 'powertrain:ready', 'driver:login', 'ignition:off', 'driver:logout', 'trip:started', 'vehicle:heartbeat', 'road:speed_limit:changed', 'traffic:signal:stopped', 'battery:voltage:reading']) {
      expect(names).toContain(name);
    }
  });

  it('splits the fleet by --worker i/n into disjoint sets that reproduce the full run per vehicle', async () => {
    const parts = await Promise.all([0, 1, 2].map((index) => capture(DEMO, { durationS: 900, worker: { index, count: 3 } })));
    const ids = parts.map((p) => p.vehicles.map((v) => v.vehicle_id));
    const all = ids.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(full.vehicles.map((v) => v.vehicle_id)));
    const byVehicle = (lines: string[], events: FleetEvent[]) => {
      const m = new Map<string, string[]>();
      events.forEach((e, i) => m.set(e.vehicle_id, [...(m.get(e.vehicle_id) ?? []), lines[i]]));
      return m;
    };
    const whole = byVehicle(full.lines, full.events);
    const merged = new Map(parts.flatMap((p) => [...byVehicle(p.lines, p.events)]));
    expect(merged).toEqual(whole);
  });

  it('reports positions within 30 m of a road and inside the City of San Diego', () => {
    const g = loadRoadGraph();
    const boundary = createBoundary(JSON.parse(readFileSync('simulator/data/geo/sd_city_boundary.geojson', 'utf8')));
    // Grid of edges by 200 m cell for the distance query.
    const cells = new Map<string, number[]>();
    const key = (x: number, y: number) => `${Math.floor(x / 200)},${Math.floor(y / 200)}`;
    for (let e = 0; e < g.edgeFrom.length; e++) {
      const a = g.edgeFrom[e];
      const b = g.edgeTo[e];
      const steps = Math.ceil(g.edgeLengthM[e] / 100) + 1;
      for (let s = 0; s <= steps; s++) {
        const k = key(g.x[a] + ((g.x[b] - g.x[a]) * s) / steps, g.y[a] + ((g.y[b] - g.y[a]) * s) / steps);
        const list = cells.get(k) ?? [];
        list.push(e);
        cells.set(k, list);
      }
    }
    const located = full.events.filter((e) => typeof e.lat === 'number');
    expect(located.length).toBeGreaterThan(1000);
    for (const ev of located.filter((_, i) => i % 7 === 0)) {
      const x = xOf(ev.lon as number);
      const y = yOf(ev.lat as number);
      let best = Infinity;
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (const e of cells.get(`${Math.floor(x / 200) + dx},${Math.floor(y / 200) + dy}`) ?? []) {
            const a = g.edgeFrom[e];
            const b = g.edgeTo[e];
            best = Math.min(best, pointSegmentDistance(x, y, g.x[a], g.y[a], g.x[b], g.y[b]));
          }
        }
      }
      expect(best, `${ev.event_name} ${ev.vehicle_id} seq ${ev.seq}`).toBeLessThanOrEqual(30);
      expect(boundary.contains(ev.lon as number, ev.lat as number), `${ev.vehicle_id} seq ${ev.seq}`).toBe(true);
    }
  });
});
