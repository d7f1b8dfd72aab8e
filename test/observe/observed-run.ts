// A small real run with observability on, shared by the observe tests and the benchmark:
// simulator → producer → shard gate → kinesalite → delivery, with the recorder, views and report.
// Run directly (`tsx test/observe/observed-run.ts DIR SECONDS [--ui] [--quiet]`) it is what the
// pseudo-terminal test drives.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../common/logger.js';
import { startObservability, type Observability } from '../../observe/observability.js';
import { startDeliveryStream } from '../../pipeline/delivery/delivery-stream.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { startLocalStream } from '../../pipeline/stream/local-stream.js';
import { KinesisProducer } from '../../producer/kinesis-producer.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { createSimulation, loadScenario } from '../../simulator/index.js';

export interface ObservedRunOptions {
  dir: string;
  /** Simulated seconds of the scenario. */
  durationS: number;
  /** Scenario file (default: the demo). */
  scenario?: string;
  ui?: number;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  /** Simulated seconds per wall second (default: as fast as the producer takes them). */
  speedup?: number;
  /** Keep observing after the simulation for this long (lets a view draw a few frames). */
  lingerMs?: number;
  observe?: boolean;
  onStarted?(obs: Observability | undefined): void;
}

export interface ObservedRunResult {
  events: number;
  wallS: number;
  acked: number;
  reportBytes?: number;
}

export const DEMO_SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

export async function observedRun(options: ObservedRunOptions): Promise<ObservedRunResult> {
  await mkdir(options.dir, { recursive: true });
  const stream = await startLocalStream({ streamName: 'observed', shardCount: 2, gate: { faults: { seed: 7, internalFailureRate: 0.02 } }, logger: silentLogger });
  const producerClient = createLocalKinesisClient({ endpoint: stream.endpoint });
  const readerClient = createLocalKinesisClient({ endpoint: stream.upstreamEndpoint });
  try {
    const delivery = await startDeliveryStream({
      client: readerClient,
      streamName: 'observed',
      bucket: new FilesystemBucket(join(options.dir, 'lake')),
      checkpointDir: join(options.dir, 'checkpoints'),
      lambdaBuffer: { sizeBytes: 1024 * 1024, intervalMs: 500 },
      s3Buffer: { sizeBytes: 4 * 1024 * 1024, intervalMs: 1000 },
      idlePollMs: 200,
      logger: silentLogger,
    });
    const producer = new KinesisProducer({ client: producerClient, streamName: 'observed', metricsIntervalMs: 0 });
    const obs =
      options.observe === false
        ? undefined
        : await startObservability({
            runDir: options.dir,
            title: 'sdfleet observed-run',
            producer,
            streamName: 'observed',
            gate: { accounting: () => stream.accounting(), limits: stream.gate.limits },
            delivery,
            simulator: true,
            ui: options.ui,
            quiet: options.quiet,
            stream: options.stream,
          });
    options.onStarted?.(obs);
    const simulation = createSimulation(loadScenario(options.scenario ?? DEMO_SCENARIO));
    let unsettled = 0;
    let allSettled: (() => void) | undefined;
    const settle = () => {
      if (--unsettled === 0) allSettled?.();
    };
    const send = (vehicleId: string, json: string) => {
      unsettled++;
      producer.put({ partitionKey: vehicleId, data: json }).then(settle, settle);
      return producer.ready();
    };
    const sink = { write: (e: { vehicle_id: string }, json: string) => send(e.vehicle_id, json), writeTelemetry: (json: string, vehicleId: string) => send(vehicleId, json) };
    const started = performance.now();
    const summary = await simulation.run(obs ? obs.wrapSink(sink) : sink, {
      pace: options.speedup ? 'accelerated' : 'max',
      speedup: options.speedup,
      durationS: options.durationS,
    });
    await producer.flush();
    if (unsettled > 0) await new Promise<void>((resolve) => (allSettled = resolve));
    const wallS = (performance.now() - started) / 1000;
    await producer.close();
    const acked = producer.metrics().stream.UserRecordsPut;
    obs?.note('• delivering'); // a phase line, as the runner writes them, above the live frame
    const deadline = Date.now() + 30_000;
    while (delivery.stats().read < acked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (options.lingerMs) await new Promise((r) => setTimeout(r, options.lingerMs));
    await delivery.stop();
    // What the runner does: summary.json into the run folder, then the report from it.
    const runSummary = {
      schema: 'sdfleet-run-summary/1',
      scenario: simulation.scenario.name,
      seed: simulation.seed,
      target: { kind: 'local', stream: 'observed', region: null, endpoint: stream.endpoint, path: null },
      records: { generated: summary.records, attempted: summary.records, acked, failed: 0, expired: 0, dropped: 0, skipped_bad_lines: 0 },
      verdict: 'ok',
      verdict_reasons: [],
    };
    await writeFile(join(options.dir, 'summary.json'), JSON.stringify(runSummary, null, 2));
    const done = await obs?.stop();
    return { events: summary.records, wallS, acked, reportBytes: done?.report?.bytes };
  } finally {
    producerClient.destroy();
    readerClient.destroy();
    await stream.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, seconds, ...flags] = process.argv.slice(2);
  const ui = flags.includes('--ui') ? 0 : undefined;
  const result = await observedRun({ dir, durationS: Number(seconds), ui, quiet: flags.includes('--quiet'), speedup: 200, lingerMs: 1500 });
  process.stdout.write(`observed-run: ${result.events} events, ${result.acked} acked\n`);
}
