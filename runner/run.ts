// One load run, start to verdict: source → pacer → (wall stamp) → target, then flush, the lake
// side where it is reachable, the summary and the run folder. `startRun` returns a RunHandle so a
// live view can watch the producer, the gate, the delivery and every record while it runs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.js';
import { UserError } from '../common/user-error.js';
import type { DeliveryStream } from '../pipeline/delivery/delivery-stream.js';
import type { FaultOptions } from '../pipeline/stream/faults.js';
import { FirehoseProducer, KinesisProducer } from '../producer/index.js';
import { firehoseClient, kinesisClient, preflightFirehose, preflightKinesis, resolveStream } from './aws-target.js';
import { fileTarget } from './file-target.js';
import { openLakeSource } from '../pipeline/lake/lake-source.js';
import { checkLake, type LakeSide } from './lake-check.js';
import { scheduleOf, type LoadShape } from './load-shape.js';
import { localTarget, type LocalTarget } from './local-target.js';
import { Outcomes } from './outcomes.js';
import { ratePacer, realClock, timingPacer, type PaceClock, type Pacer } from './pacer.js';
import { producerTarget } from './producer-target.js';
import { checkRunFolder, prepareRunFolder } from './run-folder.js';
import type { Source, SourceStats } from './source.js';
import { buildSummary, type RunSummary } from './summary.js';
import type { Target } from './target.js';
import { stampCreatedAt } from './wall-stamp.js';

export type TargetSpec =
  | { kind: 'local'; shardCount: number; faults?: FaultOptions }
  | { kind: 'kinesis' | 'firehose'; stream: string; region?: string; endpoint?: string }
  | { kind: 'file'; path: string };

export interface RunOptions {
  source: Source;
  target: TargetSpec;
  /** A rate shape, or `speed` × the recording's own timing. */
  pacing: { shape: LoadShape } | { speed: number };
  /** Wall-clock seconds of sending. */
  durationS?: number;
  maxRecords?: number;
  timestamps: 'simulated' | 'wall';
  /** The run folder; emptied only if empty or marked (see run-folder.ts). */
  dir: string;
  /** Another lake to verify against the ledger (a folder), for non-local targets. */
  lake?: string;
  /** How long to wait for a lake to hold every acknowledged record. Default 120 s. */
  lakeWaitMs?: number;
  worker: { index: number; count: number } | null;
  /** Producer instances sharing the shards (a scenario's `producers:`), default 1. */
  producers?: number;
  /** UpdateShardCount steps, `afterS` wall seconds into the run (a scenario's `reshard:`). */
  reshard?: { afterS: number; shards: number }[];
  logger: Logger;
  clock?: PaceClock;
  /** Sees every record from the first one on (a tap added to the handle later can miss the first few). */
  onRecord?: RecordTap;
}

export type RunPhase = 'sending' | 'flushing' | 'delivering' | 'verifying' | 'done';

export interface RunCounters {
  phase: RunPhase;
  elapsedS: number;
  generated: number;
  attempted: number;
  acked: number;
  failed: number;
  expired: number;
  pending: number;
  /** Delivery stream reads (local target). */
  delivered?: number;
}

/** A record on its way to the target (the simulator tap). */
export interface RecordTap {
  (vehicleId: string, seq: number, json: string): void;
  /** A telemetry reading as its bytes buf[start, end), so the tap decodes only what it keeps. Without it, readings are decoded for the tap. */
  reading?(vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void;
}

export interface RunResult {
  summary: RunSummary;
  source: SourceStats | undefined;
  lake: LakeSide | undefined;
}

export interface RunHandle {
  readonly dir: string;
  readonly target: Target;
  readonly producer: KinesisProducer | FirehoseProducer | undefined;
  readonly producers: readonly (KinesisProducer | FirehoseProducer)[];
  /** Local target: the gate's accounting (GET, JSON). */
  readonly gateAccountingUrl: string | undefined;
  readonly delivery: DeliveryStream | undefined;
  counters(): RunCounters;
  /** Called every second until the run ends; returns an unsubscribe. */
  onTick(listener: (c: RunCounters) => void): () => void;
  /** Called for every record handed to the target. */
  tap(listener: RecordTap): () => void;
  /** Stops generating (Ctrl-C): what was sent is flushed and reported, marked interrupted. */
  interrupt(): void;
  readonly done: Promise<RunResult>;
}

const DELIVERY_TIMEOUT_MS = 120_000;
const DROPPED_AT_STOP = 'RunStopped';

/** Prepares the run folder and reaches the target (preflight included), then runs in the background. */
export async function startRun(o: RunOptions): Promise<RunHandle> {
  const outcomes = new Outcomes();
  // A target that fails its preflight leaves no run folder behind; the local one writes into it.
  if (o.target.kind === 'local') await prepareRunFolder(o.dir);
  else await checkRunFolder(o.dir);
  const target = await openTarget(o, outcomes);
  if (o.target.kind !== 'local') {
    try {
      await prepareRunFolder(o.dir);
    } catch (err) {
      await target.dispose();
      throw err;
    }
  }
  const clock = o.clock ?? realClock;
  const stop = new AbortController();
  let stopReason: 'interrupted' | 'duration' | 'max_records' | undefined;
  const halt = (reason: NonNullable<typeof stopReason>) => {
    stopReason ??= reason;
    stop.abort();
  };
  const pacer: Pacer = 'speed' in o.pacing ? timingPacer(o.pacing.speed, clock, stop.signal) : ratePacer(scheduleOf(o.pacing.shape, o.source.startHour), clock, stop.signal);
  const wall = o.timestamps === 'wall';
  const taps = new Set<RecordTap>(o.onRecord ? [o.onRecord] : []);
  let textTaps = o.onRecord && !o.onRecord.reading ? 1 : 0;
  const tickers = new Set<(c: RunCounters) => void>();
  const local = target.info.kind === 'local' ? (target as LocalTarget) : undefined;
  let phase: RunPhase = 'sending';
  let generated = 0;
  let attempted = 0;
  let dropped = 0;
  const maxRecords = o.maxRecords ?? Infinity;
  const startMs = clock.now();

  const counters = (): RunCounters => {
    const c = outcomes.counts();
    return {
      phase,
      elapsedS: (clock.now() - startMs) / 1000,
      generated,
      attempted,
      acked: c.acked,
      failed: c.failed,
      expired: c.expired,
      pending: outcomes.pending,
      delivered: local?.delivery.stats().read,
    };
  };

  /** Records generated after a stop are dropped and counted, never sent. */
  const droppedAtStop = (vehicleId: string, seq: number): boolean => {
    if (!stop.signal.aborted || stopReason === 'max_records') return false;
    dropped++;
    outcomes.ledger.dropped(vehicleId, seq, DROPPED_AT_STOP);
    return true;
  };
  const send = (vehicleId: string, seq: number, json: string): void | Promise<void> => {
    if (droppedAtStop(vehicleId, seq)) return undefined;
    attempted++;
    const line = wall ? stampCreatedAt(json, Date.now()) : json;
    if (taps.size > 0) for (const t of taps) t(vehicleId, seq, line);
    return target.send(vehicleId, seq, line);
  };
  // Readings as bytes go to the target as bytes (no string per reading) unless something needs the text.
  const sendBytes = (vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void | Promise<void> => {
    if (wall || !target.sendBytes || textTaps > 0) return send(vehicleId, seq, buf.toString('utf8', start, end));
    if (droppedAtStop(vehicleId, seq)) return undefined;
    attempted++;
    if (taps.size > 0) for (const t of taps) t.reading!(vehicleId, seq, buf, start, end);
    return target.sendBytes(vehicleId, seq, buf, start, end);
  };
  /** Counts a generated record; false: over --max-records (the source stops at its next check); a Promise: send once it resolves. */
  const paced = (createdAtS?: number): false | void | Promise<void> => {
    if (generated >= maxRecords) return false;
    generated++;
    if (generated >= maxRecords) halt('max_records');
    if (stop.signal.aborted && stopReason !== 'max_records') return undefined;
    return pacer.take(createdAtS);
  };
  const emit = (vehicleId: string, seq: number, json: string, createdAtS?: number): void | Promise<void> => {
    const wait = paced(createdAtS);
    if (wait === false) return undefined;
    return wait ? wait.then(() => send(vehicleId, seq, json)) : send(vehicleId, seq, json);
  };
  const emitBytes = (vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void | Promise<void> => {
    const wait = paced();
    if (wait === false) return undefined;
    // The bytes stay valid until the returned Promise settles (the source's contract), so a paced send may use them.
    return wait ? wait.then(() => sendBytes(vehicleId, seq, buf, start, end)) : sendBytes(vehicleId, seq, buf, start, end);
  };

  const startedAt = new Date();
  const durationTimer = o.durationS === undefined ? undefined : setTimeout(() => halt('duration'), o.durationS * 1000);
  const problems: string[] = [];
  // Reshards still under way when sending ends are awaited before the verdict, so a failure is reported.
  const reshards: Promise<void>[] = [];
  const reshardTimers = (o.reshard ?? []).map(({ afterS, shards }) =>
    setTimeout(() => {
      if (!target.reshard) return void problems.push(`reshard to ${shards} shards: the ${target.info.kind} target cannot reshard`);
      reshards.push(
        target.reshard(shards).then(
          () => o.logger.info({ shards }, 'resharded'),
          (err: Error) => void problems.push(`reshard to ${shards} shards failed: ${err.name}: ${err.message.split('\n')[0]}`),
        ),
      );
    }, afterS * 1000),
  );
  const tickTimer = setInterval(() => {
    const c = counters();
    for (const t of tickers) t(c);
  }, 1000);

  const done = (async (): Promise<RunResult> => {
    let sourceStats: SourceStats | undefined;
    let sourceError: unknown;
    try {
      try {
        sourceStats = await o.source.run(emit, { signal: stop.signal, maxRecords: o.maxRecords, emitBytes });
      } catch (err) {
        sourceError = err; // e.g. a bad replay line with --on-bad-line stop: what was sent is still flushed
      }
      clearTimeout(durationTimer);
      const pacedS = pacer.elapsedS();
      const sendingS = (clock.now() - startMs) / 1000;
      phase = 'flushing';
      await target.finish();
      const sendEndMs = clock.now();
      await outcomes.ledger.save(join(o.dir, 'acks.json'));
      const acked = outcomes.counts().acked;
      for (const t of reshardTimers) clearTimeout(t);
      await Promise.all(reshards);
      let lake: LakeSide | undefined;
      if (local) {
        phase = 'delivering';
        const timeout = await local.drainDelivery(acked, DELIVERY_TIMEOUT_MS);
        phase = 'verifying';
        lake = { ...(await checkLake(local.lakeRoot, outcomes.ledger)), deliveryTimeout: timeout };
      } else if (o.lake !== undefined) {
        phase = 'verifying';
        const found = await waitForLake(o.lake, outcomes, o.lakeWaitMs ?? DELIVERY_TIMEOUT_MS);
        lake = found.lake;
        if (found.problem) problems.push(found.problem);
      }
      if (sourceError instanceof UserError) problems.push(sourceError.message);
      const summary = buildSummary({
        scenario: o.source.name,
        seed: o.source.seed,
        target: target.info,
        worker: o.worker,
        startedAt,
        endedAt: new Date(),
        durationS: (sendEndMs - startMs) / 1000,
        sendingS,
        generated,
        attempted,
        dropped,
        skippedBadLines: sourceStats?.skippedBadLines ?? 0,
        outcomes: outcomes.counts(),
        throttledAttempts: target.throttledAttempts(),
        rateTarget: 'speed' in o.pacing ? null : scheduleOf(o.pacing.shape, o.source.startHour).meanRate(pacedS),
        shards: target.shards(sendingS),
        latency: outcomes.latencyMs(),
        lake,
        interrupted: stopReason === 'interrupted',
        problems,
      });
      await writeFile(join(o.dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      phase = 'done';
      if (sourceError !== undefined) throw sourceError;
      return { summary, source: sourceStats, lake };
    } finally {
      clearTimeout(durationTimer);
      for (const t of reshardTimers) clearTimeout(t);
      clearInterval(tickTimer);
      await target.dispose();
    }
  })();

  return {
    dir: o.dir,
    target,
    producer: target.producer,
    producers: target.producers ?? [],
    gateAccountingUrl: local?.gateAccountingUrl,
    delivery: local?.delivery,
    counters,
    onTick(listener) {
      tickers.add(listener);
      return () => tickers.delete(listener);
    },
    tap(listener) {
      if (taps.has(listener)) return () => undefined;
      taps.add(listener);
      if (!listener.reading) textTaps++;
      return () => {
        if (taps.delete(listener) && !listener.reading) textTaps--;
      };
    },
    interrupt: () => halt('interrupted'),
    done,
  };
}

async function openTarget(o: RunOptions, outcomes: Outcomes): Promise<Target> {
  const spec = o.target;
  switch (spec.kind) {
    case 'local':
      return localTarget({ dir: o.dir, shardCount: spec.shardCount, faults: spec.faults, producers: o.producers, logger: o.logger }, outcomes);
    case 'file':
      return fileTarget(spec.path, outcomes);
    case 'kinesis': {
      const stream = resolveStream(spec, 'kinesis');
      const client = kinesisClient(stream);
      let region: string;
      try {
        ({ region } = await preflightKinesis(client, stream));
      } catch (err) {
        client.destroy();
        throw err;
      }
      const producers = Array.from(
        { length: o.producers ?? 1 },
        (_, i) => new KinesisProducer({ client, streamName: stream.name, logger: o.logger.child({ stage: 'producer', producer: i }), metricsIntervalMs: 0 }),
      );
      const info = { kind: 'kinesis' as const, stream: stream.name, region: region || null, endpoint: stream.endpoint ?? null, path: null };
      return producerTarget(info, producers, outcomes, () => client.destroy(), { client, streamName: stream.name });
    }
    case 'firehose': {
      const stream = resolveStream(spec, 'firehose');
      const client = firehoseClient(stream);
      let region: string;
      try {
        ({ region } = await preflightFirehose(client, stream));
      } catch (err) {
        client.destroy();
        throw err;
      }
      const producers = Array.from(
        { length: o.producers ?? 1 },
        (_, i) => new FirehoseProducer({ client, deliveryStreamName: stream.name, logger: o.logger.child({ stage: 'producer', producer: i }), metricsIntervalMs: 0 }),
      );
      const info = { kind: 'firehose' as const, stream: stream.name, region: region || null, endpoint: stream.endpoint ?? null, path: null };
      return producerTarget(info, producers, outcomes, () => client.destroy());
    }
  }
}

/**
 * An external delivery writes on its own schedule: look again (a folder, or `s3://bucket/prefix` copied
 * through the bucket interface) until nothing acknowledged is missing or time is up.
 */
async function waitForLake(location: string, outcomes: Outcomes, waitMs: number): Promise<{ lake?: LakeSide; problem?: string }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let side: LakeSide | undefined;
    let problem: string | undefined;
    try {
      const source = await openLakeSource(location);
      try {
        side = { ...(await checkLake(source.root, outcomes.ledger)), root: source.location };
      } finally {
        await source.close();
      }
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problem = err.message; // e.g. nothing delivered yet
    }
    if (side && side.verify.missing === 0) return { lake: side };
    if (Date.now() >= deadline) {
      const waited = `after ${Math.round(waitMs / 1000)} s`;
      return side ? { lake: { ...side, deliveryTimeout: `the lake still misses ${side.verify.missing} records ${waited}` } } : { problem: `${problem} ${waited}` };
    }
    await sleep(Math.min(5_000, Math.max(0, deadline - Date.now())));
  }
}
