import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../common/logger.js';
import { startObservability } from '../../observe/observability.js';
import { addViewOptions } from '../../observe/view-flags.js';
import { UserError } from '../../common/user-error.js';
import { startDeliveryStream, StreamIdentityMismatch, type DeliveryStream } from '../../pipeline/delivery/delivery-stream.js';
import { startLocalFirehose, type LocalFirehose } from '../../pipeline/firehose/local-firehose.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import type { FaultOptions } from '../../pipeline/stream/faults.js';
import { SHARD_LIMIT } from '../../pipeline/stream/kinesalite.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { ACCOUNTING_PATH } from '../../pipeline/stream/gate.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { integer, port, positiveInt, positiveNumber, probability } from '../options.js';
import { prepareDirs, type StackDirFlags, type StackDirs } from './stack-dirs.js';

interface StackFlags extends StackDirFlags {
  shards: number;
  port: number;
  host: string;
  kinesalitePort: number;
  bytesPerSecond?: number;
  recordsPerSecond?: number;
  burstSeconds?: number;
  seed: number;
  internalFailureRate: number;
  error500Rate: number;
  error503Rate: number;
  dropRate: number;
  hangRate: number;
  latency?: NonNullable<FaultOptions['latencyMs']>;
  json?: boolean;
  bufferSeconds: number;
  format: 'json' | 'parquet';
  firehose?: string;
  firehosePort: number;
  ui?: number | true;
  quiet?: boolean;
}

/** `sdfleet stack`: kinesalite plus the shard gate as a long-lived local Kinesis for any producer. */
export function registerStack(program: Command): void {
  const command = program
    .command('stack')
    .description('run a local Kinesis with real per-shard limits and seeded faults (kinesalite behind the shard gate) until Ctrl-C')
    .option('--stream <name>', 'stream to create', 'sdfleet')
    .option('--shards <n>', `shard count of a new stream (at most ${SHARD_LIMIT})`, shardCount, 2)
    .option('--port <port>', 'gate port (0 = random)', port, 4567)
    .option('--host <address>', 'gate listen address (0.0.0.0 only inside a container)', '127.0.0.1')
    .option('--kinesalite-port <port>', 'kinesalite port behind the gate (0 = random)', port, 0)
    .option('--bytes-per-second <n>', 'per-shard byte limit incl. partition keys (default 1048576)', positiveNumber)
    .option('--records-per-second <n>', 'per-shard record limit (default 1000)', positiveNumber)
    .option('--burst-seconds <n>', 'bucket capacity in seconds of the limit (default 1)', positiveNumber)
    .option('--seed <n>', 'fault PRNG seed', integer, 1)
    .option('--internal-failure-rate <p>', 'per-record InternalFailure probability', probability, 0)
    .option('--error-500-rate <p>', 'per-request HTTP 500 probability', probability, 0)
    .option('--error-503-rate <p>', 'per-request HTTP 503 probability', probability, 0)
    .option('--drop-rate <p>', 'per-request dropped-connection probability', probability, 0)
    .option('--hang-rate <p>', 'per-request probability of never answering', probability, 0)
    .option('--latency <spec>', 'added latency: fixed:MS | uniform:MIN-MAX | exp:MEAN, optionally @P for a fraction of requests', latency)
    .option('--data-dir <dir>', 'keeps the stream (<dir>/stream), the checkpoints and the lake, so a restart resumes', 'data')
    .option('--memory', 'keep the stream in memory (and, with --delivery, the checkpoints in a temporary folder): nothing survives a restart but the lake')
    .option('--fresh', 'start over: delete the stream and the checkpoints sdfleet stored (never anything it did not create)')
    .option('--delivery', 'also run the local Firehose delivery stream into the lake')
    .option('--lake <dir>', 'with --delivery: lake folder (default <data-dir>/lake/sdfleet-lake, what `sdfleet lake` reads)')
    .option('--checkpoint-dir <dir>', 'with --delivery: durable checkpoints (default <data-dir>/checkpoints)')
    .option('--buffer-seconds <n>', 'with --delivery: S3 buffer interval, also the Lambda one up to its 60 s default (Firehose allows 60–900 with dynamic partitioning)', bufferSeconds, 60)
    .option('--format <format>', 'with --delivery: json (GZIP NDJSON) or parquet', format, 'json')
    .option('--firehose <name>', 'also serve a local Firehose API (direct PUT) for this delivery stream, delivering into the lake', deliveryStreamName)
    .option('--firehose-port <port>', 'with --firehose: its port (0 = random)', port, 4573)
    .option('--json', 'print one machine-readable line on start and one on stop')
    .action(async (flags: StackFlags) => {
      const faults = faultsOf(flags);
      const limits = { bytesPerSecond: flags.bytesPerSecond, recordsPerSecond: flags.recordsPerSecond, burstSeconds: flags.burstSeconds };
      const dirs = await prepareDirs(flags);
      // Closed in reverse order of starting: what delivers stops before what it reads from.
      const closers: Array<() => Promise<void>> = [dirs.cleanup];
      const closeAll = async () => {
        for (const close of closers.splice(0).reverse()) await close();
      };
      let stack: LocalStream, delivery: DeliveryStream | undefined, firehose: LocalFirehose | undefined;
      try {
        stack = await start(flags, limits, faults, dirs.stream);
        closers.push(() => stack.close());
        const readerClient = createLocalKinesisClient({ endpoint: stack.upstreamEndpoint });
        closers.push(() => Promise.resolve(readerClient.destroy()));
        if (flags.delivery) {
          const started = await startDelivery(flags, dirs, stack, readerClient);
          closers.push(() => started.stop()); // delivers what it has read before the stream goes away
          delivery = started;
        }
        if (flags.firehose !== undefined) {
          const started = await startFirehose(flags, flags.firehose, dirs.lake);
          closers.push(() => started.stop());
          firehose = started;
        }
      } catch (err) {
        await closeAll();
        throw err;
      }
      printStarted(flags, stack, faults, dirs, delivery, firehose);
      const observing = await startObservability({
        title: 'sdfleet stack',
        gate: { accounting: () => stack.accounting(), limits: stack.gate.limits },
        delivery,
        ui: flags.ui === true ? 0 : flags.ui,
        quiet: flags.quiet || flags.json,
      }).catch(async (err: unknown) => {
        await closeAll();
        throw err;
      });
      await untilSignal();
      await observing.stop();
      await closeAll();
      const totals = stack.accounting().totals;
      const delivered = delivery?.stats();
      const direct = firehose && { ...firehose.counts(), delivery: firehose.delivery.stats() };
      if (flags.json) console.log(JSON.stringify({ event: 'stopped', totals, delivery: delivered, firehose: direct }));
      else {
        console.log(`sdfleet stack: stopped; accepted ${totals.acceptedRecords} records (${totals.acceptedBytes} bytes), throttled ${totals.throttledRecords}`);
        if (delivered) console.log(`  delivery: read ${delivered.read}, wrote ${delivered.recordsWritten} records in ${delivered.objectsWritten} objects, ${delivered.failed} to the error output`);
        if (direct) {
          console.log(
            `  firehose: accepted ${direct.acceptedRecords} records, throttled ${direct.throttledRecords}; wrote ${direct.delivery.recordsWritten} in ${direct.delivery.objectsWritten} objects, ${direct.delivery.failed} to the error output`,
          );
        }
      }
    });
  addViewOptions(command, { metrics: false });
}

function faultsOf(flags: StackFlags): FaultOptions {
  const requestFaults = flags.error500Rate + flags.error503Rate + flags.dropRate + flags.hangRate;
  if (requestFaults > 1) throw new UserError('--error-500-rate + --error-503-rate + --drop-rate + --hang-rate', requestFaults, 'must add up to at most 1');
  return {
    seed: flags.seed,
    internalFailureRate: flags.internalFailureRate,
    error500Rate: flags.error500Rate,
    error503Rate: flags.error503Rate,
    dropConnectionRate: flags.dropRate,
    hangRate: flags.hangRate,
    latencyMs: flags.latency,
  };
}

function printStarted(flags: StackFlags, stack: LocalStream, faults: FaultOptions, dirs: StackDirs, delivery: DeliveryStream | undefined, firehose: LocalFirehose | undefined): void {
  const info = {
    endpoint: stack.endpoint,
    upstreamEndpoint: stack.upstreamEndpoint,
    streamName: stack.streamName,
    shardCount: stack.shardCount,
    resumed: stack.resumed,
    streamStore: dirs.stream ?? 'memory',
    accountingUrl: `${stack.endpoint}${ACCOUNTING_PATH}`,
    limits: stack.gate.limits,
    faults,
    lake: delivery || firehose ? dirs.lake : undefined,
    firehose: firehose && { endpoint: firehose.endpoint, deliveryStreamName: firehose.deliveryStreamName, deliveryStreamArn: firehose.deliveryStreamArn, limits: firehose.limits },
  };
  if (flags.json) {
    console.log(JSON.stringify({ event: 'started', ...info }));
    return;
  }
  const l = stack.gate.limits;
  console.log(`sdfleet stack: Kinesis endpoint ${info.endpoint} (shard gate), stream "${info.streamName}" with ${info.shardCount} shards`);
  console.log(`  stream: ${dirs.stream ? `${stack.resumed ? 'resumed from' : 'stored in'} ${dirs.stream} (--fresh starts over)` : 'in memory'}`);
  console.log(`  limits per shard: ${l.bytesPerSecond} bytes/s, ${l.recordsPerSecond} records/s, burst ${l.burstSeconds} s`);
  console.log(`  faults: ${describeFaults(faults)}`);
  console.log(`  accounting: ${info.accountingUrl}   kinesalite (unmetered): ${info.upstreamEndpoint}`);
  if (delivery) console.log(`  delivery: into ${dirs.lake} every ${flags.bufferSeconds} s (query with: sdfleet lake query --lake ${dirs.lake} "...")`);
  if (firehose) {
    const f = firehose.limits;
    console.log(`  firehose: endpoint ${firehose.endpoint}, delivery stream "${firehose.deliveryStreamName}" (direct PUT) into ${dirs.lake} every ${flags.bufferSeconds} s`);
    console.log(`    limits: ${f.requestsPerSecond} requests/s, ${f.recordsPerSecond} records/s, ${f.bytesPerSecond} bytes/s`);
  }
  console.log('  Ctrl-C to stop');
}

async function startDelivery(flags: StackFlags, dirs: StackDirs, stack: LocalStream, client: ReturnType<typeof createLocalKinesisClient>): Promise<DeliveryStream> {
  try {
    return await startDeliveryStream({
      client,
      streamName: stack.streamName,
      bucket: new FilesystemBucket(dirs.lake),
      checkpointDir: dirs.checkpoints,
      ...bufferOptions(flags),
      logger: createLogger('delivery'),
    });
  } catch (err) {
    if (err instanceof StreamIdentityMismatch) {
      throw new UserError('--checkpoint-dir', dirs.checkpoints, `${err.message}; start with --fresh to begin again, or use another --checkpoint-dir`);
    }
    throw err;
  }
}

/** The buffer hints and format both deliveries (Kinesis source and direct PUT) use. */
function bufferOptions(flags: StackFlags) {
  return {
    lambdaBuffer: { intervalMs: Math.min(flags.bufferSeconds, 60) * 1000 },
    s3Buffer: { intervalMs: flags.bufferSeconds * 1000 },
    format: flags.format,
  };
}

async function startFirehose(flags: StackFlags, name: string, lake: string): Promise<LocalFirehose> {
  try {
    return await startLocalFirehose({
      deliveryStreamName: name,
      bucket: new FilesystemBucket(lake),
      port: flags.firehosePort,
      host: flags.host,
      ...bufferOptions(flags),
      logger: createLogger('firehose'),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError('--firehose-port', flags.firehosePort, 'is already in use; pick another port or 0 for a random one');
    throw err;
  }
}

async function start(flags: StackFlags, limits: LocalStreamLimits, faults: FaultOptions, path: string | undefined): Promise<LocalStream> {
  try {
    return await startLocalStream({
      streamName: flags.stream,
      shardCount: flags.shards,
      kinesalitePort: flags.kinesalitePort,
      path,
      gate: { port: flags.port, host: flags.host, limits, faults },
      logger: createLogger('stack'),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE') {
      const which = e.port === flags.kinesalitePort && flags.kinesalitePort !== 0 ? '--kinesalite-port' : '--port';
      throw new UserError(which, e.port, 'is already in use; pick another port or 0 for a random one');
    }
    if (e.name === 'InvalidArgumentException' || e.name === 'ValidationException') throw new UserError('--stream', flags.stream, e.message);
    if (e.name === 'LimitExceededException') throw new UserError('--shards', flags.shards, e.message);
    throw err;
  }
}

type LocalStreamLimits = { bytesPerSecond?: number; recordsPerSecond?: number; burstSeconds?: number };

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function describeFaults(f: FaultOptions): string {
  const parts = [
    f.internalFailureRate ? `InternalFailure ${f.internalFailureRate}/record` : '',
    f.error500Rate ? `500 ${f.error500Rate}` : '',
    f.error503Rate ? `503 ${f.error503Rate}` : '',
    f.dropConnectionRate ? `drop ${f.dropConnectionRate}` : '',
    f.hangRate ? `hang ${f.hangRate}` : '',
    f.latencyMs ? `latency ${JSON.stringify(f.latencyMs)}` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'none' : `${parts.join(', ')} (seed ${f.seed})`;
}

function shardCount(value: string): number {
  const n = positiveInt(value);
  if (n > SHARD_LIMIT) throw new InvalidArgumentError(`the local stack allows at most ${SHARD_LIMIT} shards, got "${value}"`);
  return n;
}

/** Firehose accepts 0–900 s; below 60 is a local-only allowance (see the delivery README). */
function bufferSeconds(value: string): number {
  const n = positiveNumber(value);
  if (n > 900) throw new InvalidArgumentError(`expected at most 900 seconds (Firehose's maximum), got "${value}"`);
  return n;
}

/** Firehose's rule for delivery stream names. */
function deliveryStreamName(value: string): string {
  if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(value)) throw new InvalidArgumentError(`expected 1–64 letters, digits, "_", "." or "-", got "${value}"`);
  return value;
}

function format(value: string): 'json' | 'parquet' {
  if (value !== 'json' && value !== 'parquet') throw new InvalidArgumentError(`expected json or parquet, got "${value}"`);
  return value;
}

/** `fixed:20`, `uniform:5-50`, `exp:20`, each optionally `@0.3` (the fraction of requests delayed). */
function latency(value: string): NonNullable<FaultOptions['latencyMs']> {
  const m = /^(fixed|uniform|exp):([0-9.]+)(?:-([0-9.]+))?(?:@([0-9.]+))?$/.exec(value);
  const bad = () => new InvalidArgumentError(`expected fixed:MS, uniform:MIN-MAX or exp:MEAN, optionally @P, got "${value}"`);
  if (!m) throw bad();
  const [, kind, a, b, p] = m;
  const rate = p === undefined ? undefined : probability(p);
  const first = Number(a);
  if (!Number.isFinite(first)) throw bad();
  if (kind === 'uniform') {
    const second = Number(b);
    if (b === undefined || !Number.isFinite(second) || second < first) throw bad();
    return { distribution: 'uniform', minMs: first, maxMs: second, rate };
  }
  if (b !== undefined) throw bad();
  return kind === 'fixed' ? { distribution: 'fixed', ms: first, rate } : { distribution: 'exponential', meanMs: first, rate };
}
