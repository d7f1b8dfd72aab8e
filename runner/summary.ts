// The run summary (`--json`, summary.json; schema in summary.schema.json) and its verdict.
import { packageJson } from '../common/package-json.js';
import type { LakeSide } from './lake-check.js';
import type { LatencySummary, OutcomeCounts } from './outcomes.js';
import type { ShardRow, TargetInfo } from './target.js';

export const SUMMARY_SCHEMA = 'sdfleet-run-summary/1';

export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  version: string;
  scenario: string;
  seed: number | null;
  target: TargetInfo;
  worker: { index: number; count: number } | null;
  started_at: string;
  ended_at: string;
  duration_s: number;
  records: { generated: number; attempted: number; acked: number; failed: number; expired: number; dropped: number; skipped_bad_lines: number };
  failed_by_reason: Record<string, number>;
  throttled_attempts: number;
  retries: number;
  rate: { target: number | null; achieved: number };
  shards: ShardRow[];
  latency_ms: LatencySummary;
  lake: { delivered: number; missing: number; duplicates: number; processing_failed: number; unreadable: number } | null;
  interrupted: boolean;
  verdict: 'ok' | 'failed';
  verdict_reasons: string[];
}

export interface SummaryInput {
  scenario: string;
  seed: number | null;
  target: TargetInfo;
  worker: { index: number; count: number } | null;
  startedAt: Date;
  endedAt: Date;
  /** Seconds from the first record to the last outcome. */
  durationS: number;
  /** Seconds from the first record to the last one handed over: what the achieved rate is measured on. */
  sendingS: number;
  generated: number;
  attempted: number;
  dropped: number;
  skippedBadLines: number;
  outcomes: OutcomeCounts;
  throttledAttempts: number;
  rateTarget: number | null;
  shards: ShardRow[];
  latency: LatencySummary;
  lake: LakeSide | undefined;
  interrupted: boolean;
  /** Problems found outside the counters (e.g. the lake could not be read). */
  problems: string[];
}

export function buildSummary(i: SummaryInput): RunSummary {
  const o = i.outcomes;
  const v = i.lake?.verify;
  const unreadable = v?.unreadable ?? 0;
  const reasons: string[] = [];
  const failedReasons = Object.entries(o.failedByReason).filter(([reason]) => reason !== 'UserRecordExpired');
  if (o.failed > 0) reasons.push(`${o.failed} records failed (${failedReasons.map(([r, n]) => `${r}: ${n}`).join(', ')})`);
  if (o.expired > 0) reasons.push(`${o.expired} records expired before an acknowledgement`);
  const unsettled = i.attempted - o.acked - o.failed - o.expired;
  if (unsettled > 0) reasons.push(`${unsettled} records sent without an outcome`);
  if (i.lake?.deliveryTimeout) reasons.push(i.lake.deliveryTimeout);
  if (v && v.missing > 0) reasons.push(`${v.missing} acknowledged records missing from the lake`);
  if (v && v.processingFailed > 0) reasons.push(`${v.processingFailed} records in the lake's error output`);
  if (unreadable > 0) reasons.push(`${unreadable} lake objects unreadable`);
  reasons.push(...i.problems);
  const seconds = Math.max(i.sendingS, 1e-3);
  return {
    schema: SUMMARY_SCHEMA,
    version: packageJson().version,
    scenario: i.scenario,
    seed: i.seed,
    target: i.target,
    worker: i.worker,
    started_at: i.startedAt.toISOString(),
    ended_at: i.endedAt.toISOString(),
    duration_s: round(i.durationS, 3),
    records: {
      generated: i.generated,
      attempted: i.attempted,
      acked: o.acked,
      failed: o.failed,
      expired: o.expired,
      dropped: i.dropped,
      skipped_bad_lines: i.skippedBadLines,
    },
    failed_by_reason: o.failedByReason,
    throttled_attempts: i.throttledAttempts,
    retries: o.retries,
    rate: { target: i.rateTarget === null ? null : round(i.rateTarget, 1), achieved: round(i.attempted / seconds, 1) },
    shards: i.shards,
    latency_ms: i.latency,
    lake: v ? { delivered: v.delivered, missing: v.missing, duplicates: v.duplicates, processing_failed: v.processingFailed, unreadable } : null,
    interrupted: i.interrupted,
    verdict: reasons.length === 0 ? 'ok' : 'failed',
    verdict_reasons: reasons,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
