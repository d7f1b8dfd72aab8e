import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { UserError } from '../../common/user-error.js';
import { createSimulation, loadScenario, parseWorker, type Pace } from '../../simulator/index.js';
import { createNdjsonSink } from '../../simulator/sinks/ndjson-sink.js';
import { nonNegativeNumber, positiveInt, seed } from '../options.js';

const PACES: readonly Pace[] = ['realtime', 'accelerated', 'max'];

/** `sdfleet simulate`: the fleet's events as NDJSON on stdout or in a file (backpressure-paced). */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run a fleet scenario and write its events as NDJSON')
    .requiredOption('--scenario <file>', 'bundled scenario name (see `sdfleet scenarios`) or a YAML/JSON file')
    .option('--seed <n>', 'override the scenario seed', seed)
    .option('--worker <i/n>', 'run only vehicles i mod n (0-based), for several processes sharing one fleet')
    .option('--duration <s>', 'simulated seconds (default: the scenario stop.durationS)', nonNegativeNumber)
    .option('--max-records <n>', 'stop after n events', positiveInt)
    .option('--pace <pace>', `${PACES.join(' | ')}`, 'max')
    .option('--speedup <k>', 'simulated seconds per wall second with --pace accelerated', nonNegativeNumber, 10)
    .option('--out <file>', 'output file, or - for stdout', '-')
    .option('--json', 'print the run summary as JSON on stderr when done')
    .action(async (o: { scenario: string; seed?: number; worker?: string; duration?: number; maxRecords?: number; pace: string; speedup: number; out: string; json?: boolean }) => {
      if (!PACES.includes(o.pace as Pace)) throw new UserError('--pace', o.pace, `expected one of ${PACES.join(', ')}`);
      if (o.pace === 'accelerated' && !(o.speedup > 0)) throw new UserError('--speedup', o.speedup, 'expected a number > 0');
      const scenario = loadScenario(o.scenario);
      const sim = createSimulation(scenario, { seed: o.seed, worker: o.worker ? parseWorker(o.worker) : undefined });
      const durationS = o.duration ?? scenario.stop.durationS;
      const maxRecords = o.maxRecords ?? scenario.stop.maxRecords;
      if (durationS === undefined && maxRecords === undefined && o.pace === 'max') {
        throw new UserError('--duration', undefined, 'give --duration or --max-records (or a scenario stop) for an as-fast-as-possible run');
      }
      const out: Writable = o.out === '-' ? process.stdout : openOut(o.out);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      let writeError: NodeJS.ErrnoException | undefined;
      // A reader that goes away (`| head`) ends the run quietly; other write errors (a full disk) stop it and fail it.
      out.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') writeError = err;
        abort.abort();
      });
      process.once('SIGINT', onSignal);
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'simulate [{bar}] {percentage}% | {value}/{total} | {records} events', stream: process.stderr }, Presets.shades_classic) : undefined;
      const total = durationS ?? maxRecords ?? 0;
      bar?.start(total, 0, { records: 0 });
      const sink = createNdjsonSink(out, { signal: abort.signal }); // Buffers in batches; waits when the stream is full
      const summary = await sim.run(
        sink,
        {
          pace: o.pace as Pace,
          speedup: o.speedup,
          durationS,
          maxRecords,
          signal: abort.signal,
          onProgress: bar ? (p) => bar.update(durationS !== undefined ? p.simulatedS : p.records, { records: p.records }) : undefined,
        },
      );
      await sink.flush();
      bar?.stop();
      process.off('SIGINT', onSignal);
      if (out !== process.stdout && !writeError) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
      if (writeError) throw new UserError('--out', o.out, `write failed (${writeError.code ?? writeError.message})`);
      if (o.json) process.stderr.write(`${JSON.stringify(summary)}\n`);
      else process.stderr.write(`simulate: ${summary.records} events from ${summary.vehicles} vehicles, ${summary.simulatedS} simulated s in ${summary.wallS.toFixed(1)} s (${summary.stoppedBy})\n`);
    });
}

/** Opened up front, so a missing folder or a directory is one line naming the path, not an async stream error. */
function openOut(path: string): WriteStream {
  try {
    return createWriteStream(path, { fd: openSync(path, 'w') });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'is a directory; give a file path' : `cannot open for writing (${code ?? 'error'})`;
    throw new UserError('--out', path, problem);
  }
}
