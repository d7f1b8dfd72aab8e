import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../common/user-error.js';
import { writeReport } from '../../observe/report.js';
import { mergeSummaries, parseSummary, type RunSummary } from '../../runner/merge-summaries.js';

/**
 * `sdfleet report`: reports on finished runs. `report <run-dir>` rebuilds a run's report.html;
 * `report merge` reconciles the summaries of `--worker i/n` runs into one verdict.
 */
export function registerReport(program: Command): Command {
  const report = program
    .command('report')
    .description('reports on finished runs: report.html for a run folder, or `report merge` for worker summaries')
    // `report merge --json` means merge's --json, not report's.
    .enablePositionalOptions();
  report
    .argument('<run-dir>', 'run folder (the --dir of run/demo): rebuilds its self-contained report.html from summary.json and series.ndjson')
    .option('--json', 'print what was written as JSON')
    .action(async (runDir: string, flags: { json?: boolean }) => {
      const written = await writeReport(resolve(runDir));
      if (flags.json) process.stdout.write(`${JSON.stringify(written)}\n`);
      else {
        const skipped = written.badLines ? `, ${written.badLines} unreadable lines skipped` : '';
        process.stdout.write(`Wrote ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB from ${written.seriesLines} series lines${skipped}).\n`);
      }
    });
  report
    .command('merge')
    .description('reconcile the summary.json of several --worker i/n runs into one verdict (exit 0 OK, 1 not OK)')
    .argument('<summaries...>', 'summary.json files (or run folders holding one), one per worker')
    .option('--json', 'print the merged summary as JSON (the run summary shape)')
    .action((files: string[], flags: { json?: boolean }) => {
      const merged = mergeSummaries(files.map(readSummary));
      process.stdout.write(flags.json ? `${JSON.stringify(merged, null, 2)}\n` : describe(merged, files.length));
      if (merged.verdict !== 'ok') process.exitCode = 1;
    });
  return report;
}

function readSummary(path: string): RunSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR') throw new UserError('summary', path, `cannot read file (${code ?? 'error'})`);
    return readSummary(`${path.replace(/\/+$/, '')}/summary.json`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError('summary', path, `not JSON: ${(err as Error).message}`);
  }
  return parseSummary(path, data);
}

function describe(s: RunSummary, workers: number): string {
  const r = s.records;
  const lake = s.lake ? `${s.lake.delivered} delivered, ${s.lake.missing} missing, ${s.lake.duplicates} duplicates, ${s.lake.processing_failed} processing failures, ${s.lake.unreadable} unreadable` : 'not verified';
  const lines = [
    `Merged ${workers} run summaries of ${s.scenario} (seed ${s.seed}) → ${s.target.kind}${s.target.stream ? ` ${s.target.stream}` : ''}, ${s.started_at} → ${s.ended_at} (${s.duration_s.toFixed(1)} s)`,
    `Producer: ${r.generated} generated, ${r.attempted} attempted, ${r.acked} acknowledged, ${r.failed} failed, ${r.expired} expired, ${r.dropped} dropped; ${s.throttled_attempts} throttled attempts, ${s.retries} retries`,
    `Rate: ${s.rate.achieved.toFixed(0)} events/s achieved${s.rate.target === null ? '' : ` of ${s.rate.target} targeted`}; latency p50 ≤ ${s.latency_ms.p50} ms, p99 ≤ ${s.latency_ms.p99} ms, max ${s.latency_ms.max} ms`,
    `Lake: ${lake}`,
    `Verdict: ${s.verdict === 'ok' ? 'OK' : 'NOT OK'}${s.interrupted ? ' (interrupted)' : ''}`,
    ...s.verdict_reasons.map((reason) => `  - ${reason}`),
    '',
  ];
  return lines.join('\n');
}
