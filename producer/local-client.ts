import { Agent } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface LocalClientOptions {
  /** e.g. http://127.0.0.1:4567 */
  endpoint: string;
  region?: string;
  /** Per-request socket timeout; a hung request fails after this and is retried by the producer. */
  requestTimeoutMs?: number;
  maxSockets?: number;
}

/**
 * A Kinesis client for a plain-HTTP local endpoint (kinesalite, the shard gate, kinesis-local).
 * The SDK's default HTTP/2 handler fails against them, so this uses HTTP/1.1 keep-alive.
 * Local servers do not check signatures, so fixed dummy credentials are used; real AWS
 * clients must come from the SDK's default provider chain instead.
 */
export function createLocalKinesisClient(options: LocalClientOptions): KinesisClient {
  return new KinesisClient({
    endpoint: options.endpoint,
    region: options.region ?? 'us-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1, // the producer owns retries
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }),
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      throwOnRequestTimeout: true, // otherwise the handler only logs a warning and a hung request never ends
      connectionTimeout: 2_000,
    }),
  });
}
