// Spooled readings → AWS IoT Core (or the local broker) over MQTT 5, QoS 1. A reading leaves the
// spool only when its message's PUBACK says success; publishes are paced under IoT Core's
// 100 messages/s per connection.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.js';
import { connectMqtt, type MqttConnection } from './mqtt-connection.js';
import { toMessages } from './mqtt-batch.js';
import type { SpooledReading } from './spool.js';
import { sendResult, type SendResult, type Transport } from './transport.js';

export interface MqttTransportOptions {
  endpoint: string;
  cert: string;
  key: string;
  ca?: string;
  clientId: string;
  /** Topic is `<topicPrefix>/<vehicle id>/telemetry`. */
  topicPrefix?: string;
  logger: Logger;
  publishesPerSecond?: number;
  /** Messages awaiting PUBACK, at most. */
  maxInFlight?: number;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

export async function createMqttTransport(options: MqttTransportOptions): Promise<Transport> {
  const connection: MqttConnection = await connectMqtt(options);
  const prefix = options.topicPrefix ?? 'dt/sdfleet';
  const interval = 1000 / (options.publishesPerSecond ?? 100);
  const maxInFlight = options.maxInFlight ?? 50;
  let nextPublishAt = 0;
  let inFlight = 0;
  let roomWaiter: (() => void) | undefined;
  const { mqtt5 } = connection;

  const publish = async (vehicleId: string, payload: Uint8Array): Promise<string | undefined> => {
    const wait = nextPublishAt - performance.now();
    nextPublishAt = Math.max(nextPublishAt, performance.now()) + interval;
    if (wait > 0) await sleep(wait);
    // Never hand the client a publish while it is offline: it would hold it and send it on the next
    // connection, ahead of the older readings the pump re-sends after the failure.
    if (!connection.connected) return 'not connected';
    try {
      const puback = await connection.client.publish({ topicName: `${prefix}/${vehicleId}/telemetry`, qos: mqtt5.QoS.AtLeastOnce, payload });
      if (puback && puback.reasonCode >= 128) return `PUBACK reason ${puback.reasonCode}${puback.reasonString ? ` (${puback.reasonString})` : ''}`;
      return undefined;
    } catch (err) {
      return (err as Error).message || String(err);
    }
  };

  return {
    name: 'mqtt',
    batchSize: 500,
    async ready(signal) {
      await connection.whenConnected(signal);
      while (inFlight >= maxInFlight && !signal.aborted) await new Promise<void>((resolve) => (roomWaiter = resolve));
      // Take the next batch only when the pacer is nearly free: readings taken early would queue
      // here in front of live readings that arrive meanwhile.
      const ahead = nextPublishAt - performance.now() - interval;
      if (ahead > 0) await sleep(ahead, undefined, { signal }).catch(() => undefined);
    },
    async send(readings: SpooledReading[]): Promise<SendResult> {
      const messages = toMessages(readings);
      inFlight += messages.length;
      const outcomes = await Promise.all(
        messages.map((m) =>
          publish(m.vehicleId, m.payload).finally(() => {
            inFlight--;
            roomWaiter?.();
            roomWaiter = undefined;
          }),
        ),
      );
      return sendResult(messages.map((m, k) => ({ indices: m.indices, error: outcomes[k] })));
    },
    get connections() {
      return connection.connections;
    },
    close: () => connection.close(),
  };
}
