import type { Logger } from '../../common/logger.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import type { GateAccounting } from './accounting.js';
import { startGate, type Gate, type GateOptions } from './gate.js';
import { startKinesalite, type RunningKinesalite } from './kinesalite.js';
import { createStream } from './streams.js';

export interface LocalStreamOptions {
  streamName: string;
  shardCount: number;
  /** Gate settings (limits, faults, port); the upstream is always the embedded kinesalite. */
  gate?: Omit<GateOptions, 'upstream' | 'logger'>;
  /** Port for kinesalite itself; random when omitted. */
  kinesalitePort?: number;
  logger?: Logger;
}

export interface LocalStream {
  /** The gate: point producers here. */
  endpoint: string;
  /** kinesalite directly, unmetered: for reading back and for reference runs. */
  upstreamEndpoint: string;
  streamName: string;
  shardCount: number;
  gate: Gate;
  accounting(): GateAccounting;
  close(): Promise<void>;
}

/** kinesalite + a stream with N ACTIVE shards + the shard gate in front, in one call. */
export async function startLocalStream(options: LocalStreamOptions): Promise<LocalStream> {
  const kinesalite: RunningKinesalite = await startKinesalite({ port: options.kinesalitePort });
  let gate: Gate | undefined;
  try {
    const client = createLocalKinesisClient({ endpoint: kinesalite.endpoint });
    try {
      await createStream(client, options.streamName, options.shardCount);
    } finally {
      client.destroy();
    }
    gate = await startGate({ ...options.gate, upstream: kinesalite.endpoint, logger: options.logger });
  } catch (err) {
    await kinesalite.close();
    throw err;
  }
  const running = gate;
  return {
    endpoint: running.endpoint,
    upstreamEndpoint: kinesalite.endpoint,
    streamName: options.streamName,
    shardCount: options.shardCount,
    gate: running,
    accounting: () => running.accounting(),
    async close() {
      await running.close();
      await kinesalite.close();
    },
  };
}
