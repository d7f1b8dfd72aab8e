import type { Logger } from '../../common/logger.js';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { listOpenShards } from '../../common/shard-lookup.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import type { GateAccounting } from './accounting.js';
import { startGate, type Gate, type GateOptions } from './gate.js';
import { startKinesalite, type RunningKinesalite } from './kinesalite.js';
import { createStream, waitForActive } from './streams.js';

export interface LocalStreamOptions {
  streamName: string;
  shardCount: number;
  /** Gate settings (limits, faults, port); the upstream is always the embedded kinesalite. */
  gate?: Omit<GateOptions, 'upstream' | 'logger'>;
  /** Port for kinesalite itself; random when omitted. */
  kinesalitePort?: number;
  /** A prepared LevelDB folder (prepareStreamStore): the stream and its records survive a restart. Omitted: in memory. */
  path?: string;
  logger?: Logger;
}

export interface LocalStream {
  /** The gate: point producers here. */
  endpoint: string;
  /** kinesalite directly, unmetered: for reading back and for reference runs. */
  upstreamEndpoint: string;
  streamName: string;
  /** Open shards: `shardCount` for a new stream, whatever it had for a resumed one. */
  shardCount: number;
  /** The stream was found in `path` and resumed rather than created. */
  resumed: boolean;
  gate: Gate;
  accounting(): GateAccounting;
  close(): Promise<void>;
}

/** kinesalite + a stream with N ACTIVE shards (or the one already stored in `path`) + the shard gate in front, in one call. */
export async function startLocalStream(options: LocalStreamOptions): Promise<LocalStream> {
  const kinesalite: RunningKinesalite = await startKinesalite({ port: options.kinesalitePort, path: options.path });
  let gate: Gate | undefined;
  let stream: { resumed: boolean; shardCount: number };
  try {
    const client = createLocalKinesisClient({ endpoint: kinesalite.endpoint });
    try {
      stream = await createOrResume(client, options);
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
    ...stream,
    gate: running,
    accounting: () => running.accounting(),
    async close() {
      await running.close();
      await kinesalite.close();
    },
  };
}

async function createOrResume(client: KinesisClient, options: LocalStreamOptions): Promise<{ resumed: boolean; shardCount: number }> {
  if (options.path !== undefined) {
    const existing = await client.send(new DescribeStreamSummaryCommand({ StreamName: options.streamName })).catch((err: Error) => {
      if (err.name === 'ResourceNotFoundException') return undefined;
      throw err;
    });
    if (existing) {
      await waitForActive(client, options.streamName);
      return { resumed: true, shardCount: (await listOpenShards(client, options.streamName)).length };
    }
  }
  await createStream(client, options.streamName, options.shardCount);
  return { resumed: false, shardCount: options.shardCount };
}
