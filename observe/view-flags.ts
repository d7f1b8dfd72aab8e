// The flags every command that shows a run shares (`run`, `demo`, `record`, `stack`), and the glue
// from a runner's run handle to startObservability, so each command needs two small edits.
import { InvalidArgumentError, type Command } from 'commander';
import type { ObservedDelivery } from './delivery-sampler.js';
import { metricsFlag } from './emf.js';
import { loadNeighbourhoods } from './city-map.js';
import { startObservability, type Observability } from './observability.js';
import type { ObservedProducer } from './producer-sampler.js';
import { createSimulatorTap, type SimulatorTap } from './simulator-tap.js';

export interface ViewFlags {
  quiet?: boolean;
  /** `--ui` alone is `true`: any free port. */
  ui?: number | true;
  metrics?: { format: 'emf'; file?: string };
}

function uiPort(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0–65535, got "${value}"`);
  return n;
}

export function addViewOptions(command: Command, { metrics = true } = {}): Command {
  command
    .option('--quiet', 'no live view on stderr (the TTY view, or a progress line every 10 s off a TTY)')
    .option('--ui [port]', 'live dashboard on 127.0.0.1 (default: any free port; the address is printed)', uiPort);
  if (metrics) command.option('--metrics <emf[=file]>', 'KPL-named metrics per stream and shard as CloudWatch Embedded Metric Format, to stdout or the file', metricsFlag);
  return command;
}

/** What observe/ reads from a runner's run (runner/run.ts's RunHandle fits). */
export interface ObservedRun {
  readonly dir: string;
  readonly producer?: ObservedProducer;
  readonly gateAccountingUrl?: string;
  readonly delivery?: ObservedDelivery;
}

/** The record tap to hand the runner before it starts (`onRecord`), so the series sees every record. */
export function createRecordTap(): SimulatorTap {
  return createSimulatorTap({ neighbourhoods: loadNeighbourhoods() });
}

/** Starts the series, the view, the dashboard and EMF for a run; `stop()` after its summary.json is written adds report.html. */
export function observeRun(run: ObservedRun, tap: SimulatorTap, flags: ViewFlags, naming: { title: string; streamName?: string }): Promise<Observability> {
  return startObservability({
    runDir: run.dir,
    title: naming.title,
    streamName: naming.streamName,
    producer: run.producer,
    gateAccountingUrl: run.gateAccountingUrl,
    delivery: run.delivery,
    simulator: tap,
    ui: flags.ui === true ? 0 : flags.ui,
    quiet: flags.quiet,
    emf: flags.metrics,
  });
}
