// Once a second: asks each source for its line, appends the lines to series.ndjson, feeds the
// model and tells the views. One timer for everything, so the cost is a few reads per second.
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { RunModel } from './run-model.js';
import type { SeriesLine } from './series-line.js';

export type Sampler = (t: number) => SeriesLine | undefined | Promise<SeriesLine | undefined>;

export interface RecorderOptions {
  samplers: Sampler[];
  model: RunModel;
  /** series.ndjson path; none keeps the series in memory only. */
  seriesPath?: string;
  onTick?(lines: SeriesLine[]): void;
  /** A source or view failed this second; the next second tries again. */
  onError?(err: unknown): void;
  intervalMs?: number;
  now?: () => number;
}

export interface Recorder {
  /** Takes a last sample, closes the file. */
  stop(): Promise<void>;
}

export function startRecorder(options: RecorderOptions): Recorder {
  const now = options.now ?? Date.now;
  const file: WriteStream | undefined = options.seriesPath ? createWriteStream(options.seriesPath, { flags: 'w' }) : undefined;
  let fileError: Error | undefined;
  file?.on('error', (err) => (fileError = err));
  let running: Promise<void> = Promise.resolve();

  let lastT = -Infinity;
  const tick = async () => {
    // Strictly increasing seconds: the last sample at stop may come less than a second after a tick.
    const t = Math.max(lastT + 1, Math.round(now() / 1000));
    lastT = t;
    const lines = (await Promise.all(options.samplers.map((s) => s(t)))).filter((l): l is SeriesLine => l !== undefined);
    if (lines.length === 0) return;
    for (const line of lines) options.model.add(line);
    file?.write(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    options.onTick?.(lines);
  };
  // Ticks never overlap: a slow source (the gate over HTTP) delays the next one instead.
  const schedule = () => {
    running = running.then(tick).catch((err: unknown) => options.onError?.(err));
  };
  const timer = setInterval(schedule, options.intervalMs ?? 1000);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      schedule();
      await running;
      if (file) {
        file.end();
        await finished(file).catch(() => undefined);
      }
      if (fileError) throw fileError;
    },
  };
}
