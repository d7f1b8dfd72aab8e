// The live terminal view on a TTY: one row per shard with records/s and MiB/s as bars against the
// shard limit, the counters, in-flight, latency and the delivery lag. log-update (sindresorhus,
// small, no dependencies beyond ANSI helpers) rewrites the frame in place, so the view never
// scrolls and a final frame stays on screen; we redraw at most twice a second.
import { createLogUpdate } from 'log-update';
import type { RunModel } from './run-model.js';

const MIB = 1024 * 1024;
const BAR = 20;

const n = (v: unknown): string => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : '–');

function bar(value: number, limit: number): string {
  const filled = Math.max(0, Math.min(BAR, Math.round((value / limit) * BAR)));
  return `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
}

type Sums = Record<string, number | Record<string, Record<string, number>>>;

/** The frame as text: a header, one row per shard, a totals row. */
export function renderScreen(model: RunModel, elapsedS: number, title: string): string {
  const p = model.latest.producer;
  const g = model.latest.gate;
  const totals = model.totals.producer as Sums;
  const gateTotals = model.totals.gate as Sums;
  const limits = model.limits();
  const ids = model.shardIds();
  const width = Math.max(12, ...ids.map((id) => id.length));
  const head = `${title} · ${Math.round(elapsedS)} s${p ? ` · ${n(p.records)} records/s acknowledged` : ''}`;
  const rows = [
    head,
    // The bars and the limit count Kinesis records (an aggregated record once); acked counts events.
    `${'shard'.padEnd(width)}  ${`records/s (limit ${limits.records_per_s})`.padEnd(BAR + 8)}  ${`MiB/s (limit ${(limits.bytes_per_s / MIB).toFixed(2)})`.padEnd(BAR + 7)}  ${'acked'.padStart(10)} ${'throttled'.padStart(9)} ${'retried'.padStart(8)}`,
  ];
  for (const id of ids) {
    // The gate sees every producer's records; without a gate, the producer's acknowledged Kinesis records.
    const gs = g?.shards[id];
    const ps = p?.shards[id];
    const recs = gs ? gs.accepted : (ps?.krecs ?? 0);
    const bytes = gs ? gs.accepted_bytes : (ps?.kbytes ?? 0);
    const pt = (totals.shards as Record<string, Record<string, number>> | undefined)?.[id];
    const gt = (gateTotals.shards as Record<string, Record<string, number>> | undefined)?.[id];
    const acked = pt ? pt.records : gt?.accepted;
    const throttled = pt ? pt.throttled : gt?.throttled;
    rows.push(
      `${id.padEnd(width)}  ${bar(recs, limits.records_per_s)} ${n(recs).padStart(7)}  ${bar(bytes, limits.bytes_per_s)} ${(bytes / MIB).toFixed(2).padStart(6)}  ${n(acked).padStart(10)} ${n(throttled).padStart(9)} ${n(pt?.errors).padStart(8)}`,
    );
  }
  if (ids.length === 0) rows.push('(no shard traffic yet)');
  const d = model.latest.delivery;
  const parts = p
    ? [
        // Events as the verdict counts them; throttles and retries as the shard sees them (aggregated records count once).
        `acked ${n(totals.records)}`,
        `failed ${n(totals.failed)}`,
        `expired ${n(totals.expired)} events`,
        `throttled ${n(totals.throttled)}`,
        `retried ${n(totals.retries)} Kinesis records`,
        `in-flight ${n(p.in_flight)}`,
        `p50 ${p.p50_ms === null ? '–' : `${p.p50_ms} ms`}`,
        `p99 ${p.p99_ms === null ? '–' : `${p.p99_ms} ms`}`,
      ]
    : [`accepted ${n(sumShards(gateTotals, 'accepted'))}`, `throttled ${n(sumShards(gateTotals, 'throttled'))}`];
  if (d) parts.push(`delivery lag ${n(d.lag ?? d.pending)}`);
  rows.push(`total  ${parts.join(' · ')}`);
  return rows.join('\n');
}

function sumShards(sums: Sums, field: string): number {
  let s = 0;
  for (const shard of Object.values((sums.shards as Record<string, Record<string, number>> | undefined) ?? {})) s += shard[field] ?? 0;
  return s;
}

export interface LiveView {
  update(): void;
  /** Writes a line of its own above the view (a phase message) without tearing the frame. */
  note(line: string): void;
  /** Draws the last frame and leaves it on screen. */
  stop(): void;
}

export function createTerminalView(stream: NodeJS.WriteStream, model: RunModel, title: string, now: () => number = Date.now): LiveView {
  const log = createLogUpdate(stream, { showCursor: false });
  const started = now();
  let drawnAt = 0;
  const draw = () => {
    drawnAt = now();
    log(renderScreen(model, (drawnAt - started) / 1000, title));
  };
  return {
    update() {
      if (now() - drawnAt >= 500) draw();
    },
    note(line) {
      log.clear();
      stream.write(`${line}\n`);
      if (drawnAt > 0) draw();
    },
    stop() {
      draw();
      log.done();
    },
  };
}

/** Off a TTY: one progress line on the stream every `everyMs` (10 s). */
export function createProgressLines(stream: NodeJS.WritableStream, model: RunModel, title: string, everyMs = 10_000, now: () => number = Date.now): LiveView {
  const started = now();
  let lastAt = started;
  return {
    update() {
      if (now() - lastAt < everyMs) return;
      lastAt = now();
      stream.write(`${progressLine(model, (lastAt - started) / 1000, title)}\n`);
    },
    note(line) {
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}

export function progressLine(model: RunModel, elapsedS: number, title: string): string {
  const screen = renderScreen(model, elapsedS, title).split('\n');
  return `${title} ${Math.round(elapsedS)} s: ${screen[screen.length - 1].replace(/^total {2}/, '')}`;
}
