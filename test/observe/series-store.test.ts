import { describe, expect, it } from 'vitest';
import { RunModel } from '../../observe/run-model.js';
import type { ProducerLine } from '../../observe/series-line.js';
import { SeriesStore } from '../../observe/series-store.js';
import { TrackStore } from '../../observe/track-store.js';

function producerLine(t: number, records: number, p99: number): ProducerLine {
  return {
    t,
    src: 'producer',
    received: records,
    records,
    bytes: records * 100,
    krecs: records / 10,
    kbytes: records * 100,
    requests: 1,
    throttled: 0,
    retries: 0,
    errors: 0,
    failed: 0,
    expired: 0,
    dropped: 0,
    pending: 5,
    in_flight: 1,
    p50_ms: 10,
    p99_ms: p99,
    shards: t % 2 === 0 ? { a: { records, bytes: 0, krecs: 0, kbytes: 0, attempted: 0, throttled: 0, errors: 0 } } : {},
  };
}

describe('bounded series', () => {
  it('keeps at most maxPoints per source over a day of seconds, with the mean rate and the worst p99', () => {
    const store = new SeriesStore(100);
    for (let t = 0; t < 86_400; t++) store.add(producerLine(t, t < 43_200 ? 1000 : 3000, t === 50_000 ? 900 : 20));
    const points = store.points('producer');
    expect(points.length).toBeLessThanOrEqual(101);
    expect(points.length).toBeGreaterThan(50);
    const width = store.width('producer');
    // Each full point's records is the mean per second over its `width` seconds; the last one is still filling.
    const seconds = 86_400 - (points.length - 1) * width;
    const total = points.slice(0, -1).reduce((s, p) => s + p.records * width, 0) + points[points.length - 1].records * seconds;
    expect(total).toBe(43_200 * 1000 + 43_200 * 3000);
    expect(Math.max(...points.map((p) => p.p99_ms ?? 0))).toBe(900);
    expect(points[0].t).toBe(0);
    expect(points.every((p, i) => i === 0 || p.t > points[i - 1].t)).toBe(true);
    // A shard seen every other second averages to half its rate.
    expect(points[0].shards.a.records).toBeCloseTo(500, 0);
  });

  it('keeps tracks under their point budget, with each vehicle’s first and latest position', () => {
    const tracks = new TrackStore(1000);
    for (let i = 0; i < 50_000; i++) tracks.add([`v${i % 10}`, 'car', 32.7 + i * 1e-6, -117.1]);
    const all = tracks.all();
    expect(all).toHaveLength(10);
    const points = all.reduce((s, t) => s + t.pts.length / 2, 0);
    expect(points).toBeLessThanOrEqual(1000);
    expect(all[0].pts[0]).toBe(Math.round(32.7 * 1e5));
    expect(all[9].pts[all[9].pts.length - 2]).toBe(Math.round((32.7 + 49_999 * 1e-6) * 1e5));
  });

  it('sums counts for the totals and leaves gauges out', () => {
    const model = new RunModel();
    for (let t = 0; t < 10; t++) model.add(producerLine(t, 100, 20));
    expect(model.totals.producer.records).toBe(1000);
    expect(model.totals.producer.pending).toBeUndefined();
    expect(model.latest.producer?.pending).toBe(5);
  });
});
