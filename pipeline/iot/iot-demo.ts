// `sdfleet demo --via iot`: the fleet split across several gateway agents, each with its own spool
// and device certificate, publishing over MQTT 5 (mTLS) to a local mosquitto; the IoT rule
// stand-in forwards every message into the local stream; delivery writes the lake; verify
// reconciles the lake with what the rule got acknowledged by the stream.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../common/logger.js';
import { UserError } from '../../common/user-error.js';
import { runGateway, type GatewayReport } from '../../gateway/agent.js';
import { createMqttTransport } from '../../gateway/mqtt-transport.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import type { Scenario } from '../../simulator/index.js';
import { startDeliveryStream, type DeliveryStats } from '../delivery/delivery-stream.js';
import { AckLedger } from '../lake/acks.js';
import { FilesystemBucket } from '../lake/fs-bucket.js';
import { verifyLake, type VerifyReport } from '../lake/verify.js';
import { startLocalStream } from '../stream/local-stream.js';
import { createPki } from './certs.js';
import { findMosquitto, startMosquitto } from './mosquitto.js';
import { startIotRule, type IotRuleStats } from './rule.js';

export interface IotDemoOptions {
  scenario: Scenario;
  durationS?: number;
  gateways: number;
  shardCount: number;
  /** Run folder (emptied first when it is empty or an sdfleet run folder; refused otherwise). */
  dir: string;
  logger: Logger;
  onPhase?(phase: IotDemoPhase, detail?: string): void;
}

export type IotDemoPhase = 'starting' | 'publishing' | 'delivering' | 'verifying' | 'done';

export interface IotDemoReport {
  gateways: { accepted: number; acked: number; pending: number }[];
  rule: IotRuleStats;
  delivery: DeliveryStats;
  verify: VerifyReport;
  lakeRoot: string;
  ledgerPath: string;
}

const STREAM = 'sdfleet-iot';
const RUN_MARKER = '.sdfleet-run';
const DELIVERY_TIMEOUT_MS = 120_000;

export async function runIotDemo(options: IotDemoOptions): Promise<IotDemoReport> {
  const { logger } = options;
  const phase = options.onPhase ?? (() => undefined);
  findMosquitto(); // before anything is started: one line saying how to install it
  await prepareRunFolder(options.dir);
  const lakeRoot = join(options.dir, 'lake');
  const ledgerPath = join(options.dir, 'acks.json');

  phase('starting');
  const pki = createPki(join(options.dir, 'pki'));
  const broker = await startMosquitto(pki);
  const stream = await startLocalStream({ streamName: STREAM, shardCount: options.shardCount, logger: logger.child({ stage: 'gate' }) });
  const ruleClient = createLocalKinesisClient({ endpoint: stream.endpoint });
  const readerClient = createLocalKinesisClient({ endpoint: stream.upstreamEndpoint });
  try {
    const delivery = await startDeliveryStream({
      client: readerClient,
      streamName: STREAM,
      bucket: new FilesystemBucket(lakeRoot),
      checkpointDir: join(options.dir, 'checkpoints'),
      lambdaBuffer: { sizeBytes: 1024 * 1024, intervalMs: 1000 },
      s3Buffer: { sizeBytes: 4 * 1024 * 1024, intervalMs: 2000 },
      idlePollMs: 200,
      logger: logger.child({ stage: 'delivery' }),
    });
    const ledger = new AckLedger();
    let received = 0;
    const rule = await startIotRule({
      endpoint: broker.endpoint,
      ...pki.client('iot-rule'),
      ca: pki.ca,
      client: ruleClient,
      streamName: STREAM,
      logger: logger.child({ stage: 'iot-rule' }),
      onEvent: (vehicleId, seq, put) => {
        received++;
        ledger.track(vehicleId, seq, put).catch(() => undefined); // the ledger keeps the reason
      },
    });

    phase('publishing', `${options.gateways} gateways → mosquitto ${broker.endpoint} (mTLS) → IoT rule → ${STREAM}`);
    const reports: GatewayReport[] = await Promise.all(
      Array.from({ length: options.gateways }, async (_, index) => {
        const name = `gateway-${index}`;
        const transport = await createMqttTransport({ endpoint: broker.endpoint, ...pki.client(name), ca: pki.ca, clientId: name, logger: logger.child({ stage: name }) });
        return runGateway({
          source: 'simulator',
          simulator: { scenario: options.scenario, pace: 'max', speedup: 1, durationS: options.durationS, worker: { index, count: options.gateways } },
          spool: { dir: join(options.dir, 'spools', name), fsync: 500, maxBytes: 256 * 1024 * 1024, whenFull: 'block' },
          transport,
          logger: logger.child({ stage: name }),
        });
      }),
    );
    const published = reports.reduce((n, r) => n + r.spool.acked, 0);
    // Every PUBACKed message reaches the rule; wait for it, then for the stream to settle the puts.
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (received < published && Date.now() < deadline) await sleep(50);
    await rule.flush();
    await rule.close();
    await ledger.save(ledgerPath);

    phase('delivering');
    const acked = ledger.totals().acked;
    while (delivery.stats().read < acked && Date.now() < deadline) await sleep(100);
    await delivery.stop();

    phase('verifying');
    const verify = await verifyLake(lakeRoot, ledger);
    phase('done');
    return {
      gateways: reports.map((r) => ({ accepted: r.spool.accepted, acked: r.spool.acked, pending: r.spool.pending })),
      rule: rule.stats(),
      delivery: delivery.stats(),
      verify,
      lakeRoot,
      ledgerPath,
    };
  } finally {
    ruleClient.destroy();
    readerClient.destroy();
    await stream.close();
    await broker.stop();
  }
}

/** A tool only empties a folder that is empty or that it made (the run-folder marker). */
async function prepareRunFolder(dir: string): Promise<void> {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, RUN_MARKER))) {
    throw new UserError('--dir', dir, `is not empty and not an sdfleet run folder (no ${RUN_MARKER}); choose another folder`);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, RUN_MARKER), '');
}

/** One tidy report for `sdfleet demo --via iot`. */
export function describeIotDemo(r: IotDemoReport): string {
  const v = r.verify;
  const accepted = r.gateways.reduce((n, g) => n + g.accepted, 0);
  const acked = r.gateways.reduce((n, g) => n + g.acked, 0);
  return [
    '',
    `Gateways: ${r.gateways.length}, each with its own spool and device certificate; ${accepted} readings spooled, ${acked} acknowledged by PUBACK.`,
    `IoT rule (local stand-in): ${r.rule.messages} MQTT messages, ${r.rule.forwarded} forwarded as Kinesis records keyed by \${topic(3)}, ${r.rule.failed} failed.`,
    `Delivery: read ${r.delivery.read} events (KPL aggregates unpacked), transformed ${r.delivery.transformedOk}, failed ${r.delivery.failed}; lake in ${r.lakeRoot}.`,
    `Verify: ${v.delivered} delivered, ${v.duplicates} duplicates, ${v.missing} missing, ${v.processingFailed} processing failures → ${v.ok ? 'OK' : 'NOT OK'}`,
    `         npm run sdfleet -- lake verify --lake ${r.lakeRoot} --acks ${r.ledgerPath}`,
    '',
  ].join('\n');
}
