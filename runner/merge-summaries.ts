// `report merge`: the run summaries of `--worker i/n` processes (one per machine, pod or task) reconciled
// into one verdict. Pure: summaries in, one summary and its reasons out; reading files is the CLI's job.
import { z } from 'zod';
import { UserError } from '../common/user-error.js';
import type { RunSummary } from './summary.js';

const count = z.number().int().min(0);
const nullableString = z.string().nullable();

/** The fields of `sdfleet-run-summary/1` (HELPERS.md, runner/summary.schema.json) that a merge reads; others are ignored. */
const summarySchema = z.object({
  schema: z.literal('sdfleet-run-summary/1'),
  version: z.string(),
  scenario: z.string(),
  seed: z.number().int().min(0).nullable(), // null for a replay
  target: z.object({ kind: z.enum(['local', 'kinesis', 'firehose', 'file']), stream: nullableString, region: nullableString, endpoint: nullableString, path: nullableString }),
  worker: z.object({ index: count, count: z.number().int().min(1) }).nullable(),
  started_at: z.iso.datetime({ offset: true }),
  ended_at: z.iso.datetime({ offset: true }),
  duration_s: z.number().min(0),
  records: z.object({ generated: count, attempted: count, acked: count, failed: count, expired: count, dropped: count, skipped_bad_lines: count }),
  failed_by_reason: z.record(z.string(), count),
  throttled_attempts: count,
  retries: count,
  rate: z.object({ target: z.number().nullable(), achieved: z.number() }),
  shards: z.array(z.object({ id: z.string(), records: count, bytes: count, utilization: z.number().min(0) })),
  latency_ms: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }),
  lake: z.object({ delivered: count, missing: count, duplicates: count, processing_failed: count, unreadable: count }).nullable(),
  interrupted: z.boolean(),
  verdict: z.enum(['ok', 'failed']),
  verdict_reasons: z.array(z.string()),
});

export type { RunSummary };

/** A summary as read from `source` (a file name), checked field by field (and, by the compiler, against the runner's type). */
export function parseSummary(source: string, data: unknown): RunSummary {
  const parsed = summarySchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  let value: unknown = data;
  for (const key of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  throw new UserError(`${source}: ${issue.path.join('.') || 'summary'}`, value, issue.message);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const workerName = (s: RunSummary) => (s.worker ? `${s.worker.index}/${s.worker.count}` : 'whole run');

/**
 * One summary for the whole fleet. Counters add up; shards merge by id (their utilisations add, as the
 * workers ran at the same time); latency percentiles cannot be merged exactly, so each is the worst
 * worker's (an upper bound) and `max` is exact. The verdict fails when any worker failed, when a worker
 * slice is missing or given twice, or when the summaries come from different runs or targets.
 */
export function mergeSummaries(summaries: readonly RunSummary[]): RunSummary {
  if (summaries.length === 0) throw new UserError('summaries', [], 'give at least one run summary');
  const first = summaries[0];
  const reasons: string[] = [];

  for (const field of ['scenario', 'seed'] as const) {
    const values = [...new Set(summaries.map((s) => String(s[field])))];
    if (values.length > 1) reasons.push(`summaries are from different runs: ${field} ${values.join(' vs ')}`);
  }
  const targets = [...new Set(summaries.map((s) => JSON.stringify([s.target.kind, s.target.stream, s.target.region, s.target.endpoint])))];
  if (targets.length > 1) reasons.push(`summaries sent to different targets: ${targets.join(' vs ')}`);
  reasons.push(...coverageProblems(summaries));

  for (const s of summaries) {
    for (const reason of s.verdict === 'failed' ? s.verdict_reasons : []) reasons.push(`worker ${workerName(s)}: ${reason}`);
    if (s.verdict === 'failed' && s.verdict_reasons.length === 0) reasons.push(`worker ${workerName(s)}: failed`);
  }

  const records = Object.fromEntries(
    (Object.keys(first.records) as (keyof RunSummary['records'])[]).map((key) => [key, sum(summaries.map((s) => s.records[key]))]),
  ) as RunSummary['records'];
  const failedByReason: Record<string, number> = {};
  for (const s of summaries) for (const [reason, n] of Object.entries(s.failed_by_reason)) failedByReason[reason] = (failedByReason[reason] ?? 0) + n;

  const shards = new Map<string, RunSummary['shards'][number]>();
  for (const shard of summaries.flatMap((s) => s.shards)) {
    const seen = shards.get(shard.id);
    shards.set(shard.id, seen ? { id: shard.id, records: seen.records + shard.records, bytes: seen.bytes + shard.bytes, utilization: seen.utilization + shard.utilization } : { ...shard });
  }

  const lakes = summaries.map((s) => s.lake).filter((l) => l !== null);
  if (lakes.length > 0 && lakes.length < summaries.length) reasons.push(`the lake was verified by ${lakes.length} of ${summaries.length} workers`);
  const lake = lakes.length === 0 ? null : (Object.fromEntries((Object.keys(lakes[0]) as (keyof NonNullable<RunSummary['lake']>)[]).map((key) => [key, sum(lakes.map((l) => l[key]))])) as RunSummary['lake']);

  const started = Math.min(...summaries.map((s) => Date.parse(s.started_at)));
  const ended = Math.max(...summaries.map((s) => Date.parse(s.ended_at)));
  const targetRates = summaries.map((s) => s.rate.target).filter((r) => r !== null);
  const worst = (key: keyof RunSummary['latency_ms']) => Math.max(...summaries.map((s) => s.latency_ms[key]));

  return {
    schema: 'sdfleet-run-summary/1',
    version: first.version,
    scenario: first.scenario,
    seed: first.seed,
    target: first.target,
    worker: null,
    started_at: new Date(started).toISOString(),
    ended_at: new Date(ended).toISOString(),
    duration_s: (ended - started) / 1000,
    records,
    failed_by_reason: failedByReason,
    throttled_attempts: sum(summaries.map((s) => s.throttled_attempts)),
    retries: sum(summaries.map((s) => s.retries)),
    rate: { target: targetRates.length === 0 ? null : sum(targetRates), achieved: sum(summaries.map((s) => s.rate.achieved)) },
    shards: [...shards.values()].sort((a, b) => a.id.localeCompare(b.id)),
    latency_ms: { p50: worst('p50'), p90: worst('p90'), p99: worst('p99'), max: worst('max') },
    lake,
    interrupted: summaries.some((s) => s.interrupted),
    verdict: reasons.length === 0 ? 'ok' : 'failed',
    verdict_reasons: reasons,
  };
}

/** Every slice 0…n−1 of one worker count, each exactly once. */
function coverageProblems(summaries: readonly RunSummary[]): string[] {
  const slices = summaries.map((s) => s.worker ?? { index: 0, count: 1 });
  const counts = [...new Set(slices.map((w) => w.count))];
  if (counts.length > 1) return [`workers were split different ways: ${counts.map((n) => `/${n}`).join(' vs ')}`];
  const n = counts[0];
  const problems: string[] = [];
  for (let i = 0; i < n; i++) {
    const times = slices.filter((w) => w.index === i).length;
    if (times === 0) problems.push(`worker ${i}/${n} is missing: its vehicles were not sent`);
    if (times > 1) problems.push(`worker ${i}/${n} is given ${times} times`);
  }
  return problems;
}
