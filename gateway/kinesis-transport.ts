// Spooled readings → Kinesis through the repo's KPL-compatible producer, keyed by vehicle id.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from '../common/logger.js';
import { KinesisProducer, ProducerError } from '../producer/index.js';
import type { SpooledReading } from './spool.js';
import { sendResult, type SendResult, type Transport } from './transport.js';

export interface KinesisTransportOptions {
  client: KinesisClient;
  streamName: string;
  logger: Logger;
  /** Readings handed to the producer and not yet settled, at most. */
  maxInFlight?: number;
  /** How long the producer keeps retrying one reading before the send fails and the pump backs off. */
  recordTtlMs?: number;
}

export function createKinesisTransport(options: KinesisTransportOptions): Transport {
  const producer = new KinesisProducer({
    client: options.client,
    streamName: options.streamName,
    logger: options.logger,
    metricsIntervalMs: 0,
    recordTtlMs: options.recordTtlMs ?? 30_000,
    maxBufferedRecords: (options.maxInFlight ?? 2000) * 2,
    // Slow start from 10 % of a shard, not the producer's 3 %: one vehicle's own rate (≈ 50 KB/s at
    // 100 readings/s) must not wait on the ramp after every ignition; shared shards still cut it back.
    limiter: { startFactor: 0.1 },
  });
  const maxInFlight = options.maxInFlight ?? 2000;
  let inFlight = 0;
  let roomWaiter: (() => void) | undefined;
  return {
    name: 'kinesis',
    batchSize: 500,
    async ready(signal) {
      while (inFlight >= maxInFlight && !signal.aborted) await new Promise<void>((resolve) => (roomWaiter = resolve));
      await producer.ready();
    },
    async send(readings: SpooledReading[]): Promise<SendResult> {
      inFlight += readings.length;
      const outcomes = await Promise.allSettled(readings.map((r) => producer.put({ partitionKey: r.vehicleId, data: r.json })));
      inFlight -= readings.length;
      roomWaiter?.();
      roomWaiter = undefined;
      return sendResult(
        outcomes.map((o, k) => ({
          indices: [readings[k].index],
          error: o.status === 'fulfilled' ? undefined : o.reason instanceof ProducerError ? `${o.reason.code}: ${o.reason.message}` : String(o.reason),
        })),
      );
    },
    async close() {
      await producer.close();
    },
  };
}
