import { Agent } from 'node:http';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * A Firehose client for the plain-HTTP local Firehose: HTTP/1.1 keep-alive, dummy credentials
 * (nothing checks signatures locally; real AWS clients use the SDK's default provider chain),
 * no SDK retries (the producer owns them) and requests that end after `requestTimeoutMs`.
 */
export function createLocalFirehoseClient(options: { endpoint: string; region?: string; requestTimeoutMs?: number }): FirehoseClient {
  return new FirehoseClient({
    endpoint: options.endpoint,
    region: options.region ?? 'us-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      throwOnRequestTimeout: true,
      connectionTimeout: 2_000,
    }),
  });
}
