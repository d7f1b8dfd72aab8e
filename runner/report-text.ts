// The run's report as a person reads it: what was simulated, one reconciled table (producer side
// and lake side), the lake's tables for a local run, and the verdict on the last line.
import { formatTable } from '../pipeline/lake/table-format.js';
import { describeShape, type LoadShape } from './load-shape.js';
import type { RunResult } from './run.js';

export interface ReportContext {
  pacing: { shape: LoadShape } | { speed: number };
  /** How to call the CLI where it runs, for the "Explore:" hints. */
  cli: string;
  ledgerPath: string;
}

export function describeRun(r: RunResult, ctx: ReportContext): string {
  const s = r.summary;
  const sim = r.source?.simulation;
  const lines: string[] = [''];
  const pace = 'speed' in ctx.pacing ? `${ctx.pacing.speed}× the recording's timing` : describeShape(ctx.pacing.shape);
  const where = s.target.kind === 'file' ? (s.target.path === '-' ? 'stdout' : s.target.path) : `${s.target.kind} stream ${s.target.stream}${s.target.endpoint ? ` at ${s.target.endpoint}` : ''}`;
  lines.push(`Run: ${s.scenario}${s.seed === null ? '' : ` (seed ${s.seed})`} → ${where}, ${pace}${s.interrupted ? ' — INTERRUPTED' : ''}`);
  if (sim) {
    lines.push(
      `Simulated ${sim.vehicles} vehicles for ${sim.simulatedS} s (${local(sim.simulatedStart)} → ${local(sim.simulatedEnd)} San Diego time): ${s.records.generated} events of ${sim.eventTypes} types.`,
    );
  }
  lines.push(
    `Sent ${s.records.attempted} records in ${s.duration_s} s: ${s.rate.achieved} events/s${s.rate.target === null ? '' : ` (target ${s.rate.target})`}; latency p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms, max ${s.latency_ms.max} ms.`,
    '',
  );
  const rows: (string | number)[][] = [
    ['producer', 'generated', s.records.generated],
    ['producer', 'attempted', s.records.attempted],
    ['producer', 'acknowledged', s.records.acked],
    ['producer', 'failed', s.records.failed],
    ['producer', 'expired', s.records.expired],
    ['producer', 'dropped at stop', s.records.dropped],
    ['producer', 'throttled attempts', s.throttled_attempts],
    ['producer', 'retries', s.retries],
  ];
  if (s.records.skipped_bad_lines > 0) rows.push(['source', 'bad lines skipped', s.records.skipped_bad_lines]);
  for (const [reason, n] of Object.entries(s.failed_by_reason)) rows.push(['producer', `  failed: ${reason}`, n]);
  if (s.lake) {
    rows.push(['lake', 'delivered', s.lake.delivered], ['lake', 'duplicates', s.lake.duplicates], ['lake', 'missing', s.lake.missing], ['lake', 'processing failed', s.lake.processing_failed]);
    if (s.lake.unreadable > 0) rows.push(['lake', 'unreadable objects', s.lake.unreadable]);
  }
  lines.push(formatTable(['side', 'records', 'count'], rows).split('\n').slice(0, -1).join('\n'));
  if (s.shards.length > 0) {
    lines.push('', formatTable(['shard', 'records', 'bytes', 'utilization'], s.shards.map((sh) => [sh.id, sh.records, sh.bytes, `${Math.round(sh.utilization * 100)} %`])));
  }
  if (r.lake && s.target.kind === 'local') {
    lines.push('', 'Top event types in the lake:', formatTable(r.lake.topEventTypes.columns, r.lake.topEventTypes.rows));
    lines.push('', 'Telemetry by vehicle class:', formatTable(r.lake.telemetryByClass.columns, r.lake.telemetryByClass.rows));
  }
  if (r.lake) {
    lines.push(
      '',
      `Explore: ${ctx.cli} lake query --lake ${r.lake.root} "SELECT event_name, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC"`,
      `         ${ctx.cli} lake verify --lake ${r.lake.root} --acks ${ctx.ledgerPath}`,
    );
  }
  lines.push('');
  for (const reason of s.verdict_reasons) lines.push(`  ✗ ${reason}`);
  const lake = s.lake ? `, ${s.lake.delivered} delivered, ${s.lake.duplicates} duplicates, ${s.lake.processing_failed} processing failures, ${s.lake.missing} missing` : `, ${s.records.failed + s.records.expired} failed or expired`;
  lines.push(`Verdict: ${s.verdict === 'ok' ? 'OK' : 'NOT OK'}${s.interrupted ? ' (interrupted)' : ''}: ${s.records.acked} acknowledged${lake}`, '');
  return lines.join('\n');
}

function local(iso: string): string {
  return new Date(iso).toLocaleString('sv-SE', { timeZone: 'America/Los_Angeles' });
}
