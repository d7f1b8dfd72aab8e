// The whole local path in one run: simulator → producer → shard gate → kinesalite → delivery →
// lake → verify. `sdfleet demo` (npm start) drives it; the scenario runner will build on it.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.js';
import { startDeliveryStream, type DeliveryStats } from '../pipeline/delivery/delivery-stream.js';
import { AckLedger } from '../pipeline/lake/acks.js';
import { FilesystemBucket } from '../pipeline/lake/fs-bucket.js';
import { openLake, type QueryResult } from '../pipeline/lake/query.js';
import { verifyLake, type VerifyReport } from '../pipeline/lake/verify.js';
import type { GateAccounting } from '../pipeline/stream/accounting.js';
import type { FaultOptions } from '../pipeline/stream/faults.js';
import { startLocalStream } from '../pipeline/stream/local-stream.js';
import { KinesisProducer, type MetricsSnapshot } from '../producer/index.js';
import { createLocalKinesisClient } from '../producer/local-client.js';
import { createSimulation, type RunSummary, type Scenario } from '../simulator/index.js';

export interface EndToEndOptions {
  scenario: Scenario;
  seed?: number;
  durationS?: number;
  shardCount: number;
  /** Run folder: the lake goes in `<dir>/lake`, checkpoints and the ack ledger beside it. Emptied first. */
  dir: string;
  faults?: FaultOptions;
  logger: Logger;
  onPhase?(phase: Phase, detail?: string): void;
  onProgress?(p: { phase: Phase; done: number; total: number | undefined }): void;
}

export type Phase = 'starting' | 'simulating' | 'delivering' | 'verifying' | 'done';

export interface EndToEndReport {
  streamName: string;
  shardCount: number;
  lakeRoot: string;
  ledgerPath: string;
  simulation: Omit<RunSummary, 'lastSeq' | 'eventsByType'> & { eventTypes: number };
  producer: { acked: number; failed: number; dropped: number; metrics: MetricsSnapshot['stream'] };
  gate: GateAccounting['totals'];
  delivery: DeliveryStats;
  verify: VerifyReport;
  topEventTypes: QueryResult;
  co2ByClass: QueryResult;
}

const STREAM = 'sdfleet-demo';
// Local stand-in buffering: far below Firehose's floors (60 s / 64 MiB with dynamic partitioning) so a demo finishes in seconds.
const DEMO_LAMBDA_BUFFER = { sizeBytes: 1024 * 1024, intervalMs: 1000 };
const DEMO_S3_BUFFER = { sizeBytes: 4 * 1024 * 1024, intervalMs: 2000 };
const DELIVERY_TIMEOUT_MS = 120_000;

export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndReport> {
  const { logger } = options;
  const phase = options.onPhase ?? (() => undefined);
  const lakeRoot = join(options.dir, 'lake');
  const ledgerPath = join(options.dir, 'acks.json');
  await rm(options.dir, { recursive: true, force: true });
  await mkdir(options.dir, { recursive: true });

  phase('starting');
  const stream = await startLocalStream({ streamName: STREAM, shardCount: options.shardCount, gate: { faults: options.faults }, logger: logger.child({ stage: 'gate' }) });
  const producerClient = createLocalKinesisClient({ endpoint: stream.endpoint });
  const readerClient = createLocalKinesisClient({ endpoint: stream.upstreamEndpoint });
  try {
    const delivery = await startDeliveryStream({
      client: readerClient,
      streamName: STREAM,
      bucket: new FilesystemBucket(lakeRoot),
      checkpointDir: join(options.dir, 'checkpoints'),
      lambdaBuffer: DEMO_LAMBDA_BUFFER,
      s3Buffer: DEMO_S3_BUFFER,
      idlePollMs: 200,
      logger: logger.child({ stage: 'delivery' }),
    });
    const producer = new KinesisProducer({ client: producerClient, streamName: STREAM, logger: logger.child({ stage: 'producer' }), metricsIntervalMs: 0 });
    const ledger = new AckLedger();
    const simulation = createSimulation(options.scenario, { seed: options.seed });

    phase('simulating', `${simulation.vehicles.length} vehicles, seed ${simulation.seed}`);
    const durationS = options.durationS ?? simulation.scenario.stop.durationS;
    // Count unsettled puts instead of keeping a promise per event, so long runs stay small.
    let unsettled = 0;
    let allSettled: (() => void) | undefined;
    const settle = () => {
      if (--unsettled === 0) allSettled?.();
    };
    const send = (vehicleId: string, seq: number, json: string) => {
      unsettled++;
      ledger.track(vehicleId, seq, producer.put({ partitionKey: vehicleId, data: json })).then(settle, settle); // the ledger keeps any failure's reason
      return producer.ready(); // backpressure: the simulator waits while the producer's buffer is full
    };
    const summary = await simulation.run(
      {
        write: (event, json) => send(event.vehicle_id, event.seq, json),
        writeTelemetry: (json, vehicleId, seq) => send(vehicleId, seq, json), // no event object per reading
      },
      { pace: 'max', durationS, onProgress: (p) => options.onProgress?.({ phase: 'simulating', done: p.simulatedS, total: p.durationS }) },
    );
    await producer.flush();
    if (unsettled > 0) await new Promise<void>((resolve) => (allSettled = resolve));
    await producer.close();
    await ledger.save(ledgerPath);
    const acks = ledger.totals();

    phase('delivering');
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (delivery.stats().read < acks.acked && Date.now() < deadline) {
      options.onProgress?.({ phase: 'delivering', done: delivery.stats().read, total: acks.acked });
      await sleep(100);
    }
    await delivery.stop();

    phase('verifying');
    const verify = await verifyLake(lakeRoot, ledger);
    const lake = await openLake(lakeRoot);
    let topEventTypes: QueryResult;
    let co2ByClass: QueryResult;
    try {
      topEventTypes = await lake.query(`SELECT event_type, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8`);
      // energy_wh exists only when an EV reported telemetry.
      const columns = (await lake.query(`SELECT column_name FROM (DESCRIBE events)`)).rows.map(([c]) => c);
      const energy = columns.includes('energy_wh') ? 'coalesce(energy_wh, 0)' : '0';
      co2ByClass = await lake.query(
        `SELECT vehicle_class, count(*) AS vehicles, round(sum(km), 1) AS km, round(sum(co2) / 1000, 2) AS co2_kg,
                round(sum(co2) / nullif(sum(km), 0)) AS co2_g_per_km, round(sum(wh) / nullif(sum(km), 0)) AS wh_per_km
           FROM (SELECT vehicle_class, vehicle_id, sum(co2_g) AS co2, sum(${energy}) AS wh, max(odometer_km) - min(odometer_km) AS km
                   FROM events WHERE event_name = 'vehicle:telemetry' GROUP BY ALL)
          GROUP BY 1 ORDER BY 1`,
      );
    } finally {
      lake.close();
    }
    phase('done');
    const { lastSeq: _lastSeq, eventsByType, ...sim } = summary;
    return {
      streamName: STREAM,
      shardCount: options.shardCount,
      lakeRoot,
      ledgerPath,
      simulation: { ...sim, eventTypes: Object.keys(eventsByType).length },
      producer: { ...acks, metrics: producer.metrics().stream },
      gate: stream.accounting().totals,
      delivery: delivery.stats(),
      verify,
      topEventTypes,
      co2ByClass,
    };
  } finally {
    producerClient.destroy();
    readerClient.destroy();
    await stream.close();
  }
}
