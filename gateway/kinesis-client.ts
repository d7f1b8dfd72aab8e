import { KinesisClient } from '@aws-sdk/client-kinesis';
import { createLocalKinesisClient } from '../producer/local-client.js';

/**
 * A plain-http endpoint is a local stream (kinesalite, the shard gate): HTTP/1.1 and dummy
 * credentials. Anything else is AWS: credentials from the SDK's default provider chain only.
 */
export function createKinesisClient(endpoint: string | undefined, region: string | undefined): KinesisClient {
  if (endpoint?.startsWith('http://')) return createLocalKinesisClient({ endpoint, region });
  return new KinesisClient({ endpoint, region, maxAttempts: 1 });
}
