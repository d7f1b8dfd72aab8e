// The local stand-in for the IoT rule `SELECT * FROM 'dt/sdfleet/+/telemetry'` with a Kinesis
// action keyed by `${topic(3)}` (pipeline/infra/iot-ingest.ts): it subscribes to the local broker
// over mutual TLS and puts each message, unchanged, as one Kinesis record keyed by the vehicle id.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '../../common/logger.js';
import { connectMqtt, type MqttConnection } from '../../gateway/mqtt-connection.js';
import { deaggregate, KinesisProducer, type PutResult } from '../../producer/index.js';

export const RULE_TOPIC_FILTER = 'dt/sdfleet/+/telemetry';

export interface IotRuleOptions {
  /** Broker host:port, and the rule's own client certificate. */
  endpoint: string;
  cert: string;
  key: string;
  ca?: string;
  clientId?: string;
  client: KinesisClient;
  streamName: string;
  logger: Logger;
  /** Each event inside a forwarded message, with the put that carries it (e.g. for an ack ledger). */
  onEvent?(vehicleId: string, seq: number, put: Promise<PutResult>): void;
}

export interface IotRuleStats {
  messages: number;
  forwarded: number;
  failed: number;
  /** Messages on a topic the rule's key cannot be taken from, or with no payload. */
  skipped: number;
}

export interface IotRule {
  stats(): IotRuleStats;
  /** Resolves once every message received so far is settled in the stream. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startIotRule(options: IotRuleOptions): Promise<IotRule> {
  const { logger } = options;
  // The IoT rule's Kinesis action is PutRecord per message: no aggregation across messages.
  const producer = new KinesisProducer({ client: options.client, streamName: options.streamName, aggregation: false, logger, metricsIntervalMs: 0, recordTtlMs: 120_000 });
  const stats: IotRuleStats = { messages: 0, forwarded: 0, failed: 0, skipped: 0 };
  const connection: MqttConnection = await connectMqtt({ ...options, clientId: options.clientId ?? 'sdfleet-iot-rule', logger, persistentSession: true });
  const { client, mqtt5 } = connection;
  const subscribe = () =>
    client.subscribe({ subscriptions: [{ topicFilter: RULE_TOPIC_FILTER, qos: mqtt5.QoS.AtLeastOnce }] }).catch((err: unknown) => logger.error({ err }, 'iot rule: subscribe failed'));
  client.on('connectionSuccess', () => void subscribe());
  if (connection.connected) void subscribe();
  let unsettled = 0;
  let settledWaiters: (() => void)[] = [];
  client.on('messageReceived', ({ message }) => {
    stats.messages++;
    const key = message.topicName.split('/')[2]; // ${topic(3)}: levels count from 1
    const payload = message.payload ? new Uint8Array(message.payload as ArrayBuffer) : undefined;
    if (!key || !payload || payload.byteLength === 0) {
      stats.skipped++;
      logger.warn({ topic: message.topicName }, 'iot rule: message without a vehicle id level or payload; skipped');
      return;
    }
    unsettled++;
    const put = producer.put({ partitionKey: key, data: payload });
    put.then(
      () => stats.forwarded++,
      (err: unknown) => {
        stats.failed++;
        logger.error({ err, topic: message.topicName }, 'iot rule: the Kinesis action failed');
      },
    ).finally(() => {
      if (--unsettled === 0) for (const resolve of settledWaiters.splice(0)) resolve();
    });
    if (options.onEvent) for (const e of eventsOf(payload, key)) options.onEvent(e.vehicleId, e.seq, put);
  });
  return {
    stats: () => ({ ...stats }),
    flush: () => (unsettled === 0 ? Promise.resolve() : new Promise((resolve) => settledWaiters.push(resolve))),
    async close() {
      settledWaiters = [];
      await connection.close();
      await producer.close();
    },
  };
}

/** The (vehicle, seq) of each event in a message: one JSON event, or a KPL aggregate of several. */
function eventsOf(payload: Uint8Array, key: string): { vehicleId: string; seq: number }[] {
  const out: { vehicleId: string; seq: number }[] = [];
  let records;
  try {
    records = deaggregate(payload, key);
  } catch {
    return out; // a corrupt aggregate: forwarded as is; delivery routes it to the error output
  }
  for (const r of records) {
    try {
      const e = JSON.parse(Buffer.from(r.data).toString('utf8')) as { vehicle_id?: unknown; seq?: unknown };
      if (typeof e.vehicle_id === 'string' && typeof e.seq === 'number') out.push({ vehicleId: e.vehicle_id, seq: e.seq });
    } catch {
      // not an event; the transform sends it to the error output
    }
  }
  return out;
}
