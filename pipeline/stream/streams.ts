import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export interface StreamWaitOptions {
  timeoutMs?: number;
  pollMs?: number;
}

/** Creates a provisioned stream and resolves once it is ACTIVE (its shards exist and accept writes). */
export async function createStream(client: KinesisClient, streamName: string, shardCount: number, options: StreamWaitOptions = {}): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitForActive(client, streamName, options);
}

/** Polls DescribeStreamSummary until the stream is ACTIVE; creates and reshards are asynchronous in Kinesis. */
export async function waitForActive(client: KinesisClient, streamName: string, options: StreamWaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const status = out.StreamDescriptionSummary?.StreamStatus;
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} still ${status ?? 'unknown'} after ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}
