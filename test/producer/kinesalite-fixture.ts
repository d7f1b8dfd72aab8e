// Starts kinesalite in memory on 127.0.0.1 with a random port, for producer integration tests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import kinesalite from 'kinesalite';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createLocalKinesisClient } from '../../producer/local-client.js';

export interface LocalKinesis {
  endpoint: string;
  client: KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startKinesalite(): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createLocalKinesisClient({ endpoint });
  return {
    endpoint,
    client,
    async createStream(name, shards) {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (;;) {
        const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
