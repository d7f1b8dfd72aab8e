// report.html: the run's verdict, configuration, charts, map and emissions in one self-contained
// file, rebuilt from the run folder's summary.json and series.ndjson alone (so it also works on
// a CI artefact). The series is streamed through the bounded model, so a long run's file stays small.
import { createReadStream, existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../common/user-error.js';
import { cityMap } from './city-map.js';
import { renderPage, type SummaryLike } from './page-html.js';
import { RunModel } from './run-model.js';
import type { SeriesLine } from './series-line.js';

export const SERIES_FILE = 'series.ndjson';
export const REPORT_FILE = 'report.html';
export const SUMMARY_FILE = 'summary.json';

/** Points per chart series and track points in the report: enough for a clear picture, small enough to share. */
const REPORT_POINTS = 1200;
const REPORT_TRACK_POINTS = 40_000;

export async function readSeries(path: string, model: RunModel): Promise<{ lines: number; bad: number }> {
  let lines = 0;
  let bad = 0;
  if (!existsSync(path)) return { lines, bad };
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const text of rl) {
    if (text.trim() === '') continue;
    try {
      const line = JSON.parse(text) as SeriesLine;
      if (typeof line.t !== 'number' || !['producer', 'gate', 'delivery', 'simulator'].includes(line.src)) throw new Error('not a series line');
      model.add(line);
      lines++;
    } catch {
      bad++; // a line cut short by a crash: the rest of the report still draws
    }
  }
  return { lines, bad };
}

export function reportTitle(summary: SummaryLike | undefined): string {
  const scenario = typeof summary?.scenario === 'string' ? summary.scenario : 'run';
  const started = typeof summary?.started_at === 'string' ? ` · ${summary.started_at}` : '';
  return `sdfleet report · ${scenario}${started}`;
}

export interface WrittenReport {
  path: string;
  bytes: number;
  seriesLines: number;
  badLines: number;
}

/** Writes `<runDir>/report.html` from `summary` (or summary.json) and series.ndjson. */
export async function writeReport(runDir: string, options: { summary?: SummaryLike } = {}): Promise<WrittenReport> {
  if (!existsSync(runDir)) throw new UserError('run-dir', runDir, 'does not exist');
  const summaryPath = join(runDir, SUMMARY_FILE);
  const seriesPath = join(runDir, SERIES_FILE);
  let summary = options.summary;
  if (!summary && existsSync(summaryPath)) {
    try {
      summary = JSON.parse(await readFile(summaryPath, 'utf8')) as SummaryLike;
    } catch (err) {
      throw new UserError('run-dir', summaryPath, `summary.json is not valid JSON (${(err as Error).message})`);
    }
  }
  if (!summary && !existsSync(seriesPath)) throw new UserError('run-dir', runDir, 'holds neither summary.json nor series.ndjson');
  const model = new RunModel({ maxPoints: REPORT_POINTS, maxTrackPoints: REPORT_TRACK_POINTS });
  const { lines, bad } = await readSeries(seriesPath, model);
  const html = renderPage({ title: reportTitle(summary), model: model.page(), map: cityMap(), live: false, summary });
  const path = join(runDir, REPORT_FILE);
  // Write then rename: a reader never sees half a report.
  await writeFile(`${path}.tmp`, html);
  await rename(`${path}.tmp`, path);
  return { path, bytes: Buffer.byteLength(html), seriesLines: lines, badLines: bad };
}
