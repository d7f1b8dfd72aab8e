import { Agent } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Like producer/local-client.ts, but the request timeout really ends the request: with
 * @smithy/node-http-handler 4.14, `requestTimeout` alone only logs a warning unless
 * `throwOnRequestTimeout` is set, so a hung request would wait forever.
 */
export function createTimingOutClient(endpoint: string, requestTimeoutMs: number): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      connectionTimeout: 2_000,
    }),
  });
}
