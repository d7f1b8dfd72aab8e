// What the views draw, built from series lines: bounded chart series, vehicle tracks, running totals
// and emissions. The live views feed it line by line; the report feeds it from series.ndjson.
import type { DeliveryLine, GateLine, ProducerLine, SeriesLine, SimulatorLine } from './series-line.js';
import { SeriesStore } from './series-store.js';
import { TrackStore, type Track } from './track-store.js';

export interface Chart {
  id: string;
  title: string;
  unit: string;
  /** Names of the series after x. */
  labels: string[];
  /** uPlot data: x (unix seconds) then one array per label. */
  data: Array<Array<number | null>>;
}

export interface PageModel {
  charts: Chart[];
  tracks: Track[];
  emissions: { byClass: Array<[string, number]>; byArea: Array<[string, number]> };
  events: Array<[string, number]>;
}

const GAUGES = new Set(['pending', 'in_flight', 'p50_ms', 'p99_ms', 'lag', 'limits', 't']);
const MIB = 1024 * 1024;
export const AWS_SHARD_LIMITS = { records_per_s: 1000, bytes_per_s: MIB };

type Sums = Record<string, unknown>;

/** Adds the counts of a line into running sums (gauges excluded). */
function accumulate(sums: Sums, line: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(line)) {
    if (GAUGES.has(k)) continue;
    if (typeof v === 'number') sums[k] = ((sums[k] as number | undefined) ?? 0) + v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      sums[k] ??= {};
      accumulate(sums[k] as Sums, v as Record<string, unknown>);
    }
  }
}

export class RunModel {
  readonly store: SeriesStore;
  readonly tracks: TrackStore;
  /** Running sums of every count, per source (e.g. totals.producer.records, totals.gate.shards[id].throttled). */
  readonly totals: { producer: Sums; gate: Sums; delivery: Sums; simulator: Sums } = { producer: {}, gate: {}, delivery: {}, simulator: {} };
  /** The most recent line per source, for gauges. */
  readonly latest: { producer?: ProducerLine; gate?: GateLine; delivery?: DeliveryLine; simulator?: SimulatorLine } = {};

  constructor(options: { maxPoints?: number; maxTrackPoints?: number } = {}) {
    this.store = new SeriesStore(options.maxPoints);
    this.tracks = new TrackStore(options.maxTrackPoints);
  }

  add(line: SeriesLine): void {
    this.store.add(line);
    accumulate(this.totals[line.src], line as unknown as Record<string, unknown>);
    (this.latest as Record<string, SeriesLine>)[line.src] = line;
    if (line.src === 'simulator') for (const p of line.positions) this.tracks.add(p);
  }

  limits(): GateLine['limits'] {
    return this.latest.gate?.limits ?? AWS_SHARD_LIMITS;
  }

  /** Shard ids seen by the gate, else by the producer. */
  shardIds(): string[] {
    const shards = (this.totals.gate.shards ?? this.totals.producer.shards ?? {}) as Sums;
    return Object.keys(shards).sort();
  }

  charts(): Chart[] {
    const charts: Chart[] = [];
    const producer = this.store.points('producer');
    const gate = this.store.points('gate');
    const delivery = this.store.points('delivery');
    const sim = this.store.points('simulator');
    const limits = this.limits();
    const shards = this.shardIds();
    const byShard = gate.length > 0;
    const perShard = (field: 'records' | 'bytes', scale: number) => {
      const cols = shards.map((id) =>
        byShard
          ? column(gate, (l) => (l.shards[id] ? (field === 'records' ? l.shards[id].accepted : l.shards[id].accepted_bytes) / scale : 0))
          : column(producer, (l) => (l.shards[id] ? (field === 'records' ? l.shards[id].krecs : l.shards[id].kbytes) / scale : 0)),
      );
      const xs = byShard ? gate : producer;
      const limit = (field === 'records' ? limits.records_per_s : limits.bytes_per_s) / scale;
      return [xs.map((l) => l.t), ...cols, xs.map(() => limit)];
    };
    if (shards.length > 0 && (byShard || producer.length > 0)) {
      const side = byShard ? 'accepted by the gate' : 'acknowledged to the producer';
      charts.push({ id: 'records', title: `Kinesis records/s per shard, ${side}`, unit: 'records/s', labels: [...shards, 'limit'], data: perShard('records', 1) });
      charts.push({ id: 'bytes', title: `MiB/s per shard, ${side}`, unit: 'MiB/s', labels: [...shards, 'limit'], data: perShard('bytes', MIB) });
    }
    if (producer.length > 0 || gate.length > 0) {
      const labels: string[] = [];
      const sources: Array<{ points: SeriesLine[]; pick: (l: SeriesLine) => number | null }> = [];
      if (producer.length > 0) {
        labels.push('producer throttled', 'producer retries');
        sources.push({ points: producer, pick: (l) => (l as ProducerLine).throttled }, { points: producer, pick: (l) => (l as ProducerLine).retries });
      }
      if (gate.length > 0) {
        labels.push('gate throttled');
        sources.push({ points: gate, pick: (l) => sumShards((l as GateLine).shards, 'throttled') });
      }
      charts.push({ id: 'throttles', title: 'Throttles and retries per second', unit: 'records/s', labels, data: join(sources) });
    }
    if (producer.length > 0) {
      charts.push({
        id: 'latency',
        title: 'PutRecords request time',
        unit: 'ms',
        labels: ['p50', 'p99'],
        data: [producer.map((l) => l.t), column(producer, (l) => l.p50_ms), column(producer, (l) => l.p99_ms)],
      });
    }
    if (delivery.length > 0) {
      charts.push({
        id: 'delivery',
        title: 'Delivery: records read and written per second, lag in records',
        unit: 'records',
        labels: ['read/s', 'written/s', 'lag'],
        data: [delivery.map((l) => l.t), column(delivery, (l) => l.read), column(delivery, (l) => l.written), column(delivery, (l) => l.lag ?? l.pending)],
      });
    }
    if (sim.length > 0) {
      const top = this.events().slice(0, 4).map(([name]) => name);
      charts.push({
        id: 'events',
        title: 'Simulated events per second (all, and the top types)',
        unit: 'events/s',
        labels: ['all', ...top],
        data: [sim.map((l) => l.t), column(sim, (l) => sumValues(l.events)), ...top.map((name) => column(sim, (l) => l.events[name] ?? 0))],
      });
    }
    return charts;
  }

  events(): Array<[string, number]> {
    return sorted((this.totals.simulator.events ?? {}) as Record<string, number>);
  }

  page(): PageModel {
    return {
      charts: this.charts(),
      tracks: this.tracks.all(),
      emissions: {
        byClass: sorted((this.totals.simulator.co2_g_by_class ?? {}) as Record<string, number>),
        byArea: sorted((this.totals.simulator.co2_g_by_area ?? {}) as Record<string, number>),
      },
      events: this.events(),
    };
  }
}

function column<L>(points: L[], pick: (l: L) => number | null): Array<number | null> {
  return points.map((l) => {
    const v = pick(l);
    return v === null ? null : Math.round(v * 1000) / 1000;
  });
}

function sumValues(o: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(o)) s += v;
  return s;
}

function sumShards(shards: GateLine['shards'], field: keyof GateLine['shards'][string]): number {
  let s = 0;
  for (const v of Object.values(shards)) s += v[field];
  return s;
}

function sorted(o: Record<string, number>): Array<[string, number]> {
  return Object.entries(o)
    .map(([k, v]): [string, number] => [k, Math.round(v * 1000) / 1000])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Columns from several sources on one x axis (the union of their seconds); a missing value is null. */
function join(sources: Array<{ points: SeriesLine[]; pick: (l: SeriesLine) => number | null }>): Array<Array<number | null>> {
  const xs = [...new Set(sources.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const cols = sources.map((s) => {
    const byT = new Map(s.points.map((p) => [p.t, s.pick(p)]));
    return xs.map((x) => {
      const v = byT.get(x);
      return v === undefined || v === null ? null : Math.round(v * 1000) / 1000;
    });
  });
  return [xs, ...cols];
}
