// Reaching a real (or emulated) Kinesis stream or Firehose delivery stream: clients built on the
// SDK's default credential chain, stream names from ARNs, and a preflight that turns every
// "cannot work" answer into one line saying what to fix.
import { Agent } from 'node:http';
import { FirehoseClient, DescribeDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { UserError } from '../common/user-error.js';

export interface AwsTargetOptions {
  /** --stream: a name or an ARN. */
  stream: string;
  region?: string;
  endpoint?: string;
}

export interface ResolvedStream {
  name: string;
  region: string | undefined;
  endpoint: string | undefined;
}

const PREFLIGHT_MS = 8_000; // the whole check stays under the promised 10 s

/** Name and region from `--stream NAME|ARN` and `--region`. */
export function resolveStream(o: AwsTargetOptions, service: 'kinesis' | 'firehose'): ResolvedStream {
  const resource = service === 'kinesis' ? 'stream' : 'deliverystream';
  let name = o.stream;
  let region = o.region;
  if (o.stream.startsWith('arn:')) {
    const m = new RegExp(`^arn:aws[a-z-]*:${service}:([a-z0-9-]+):\\d{12}:${resource}/([A-Za-z0-9_.-]+)$`).exec(o.stream);
    if (!m) throw new UserError('--stream', o.stream, `expected a ${service} ARN arn:aws:${service}:REGION:ACCOUNT:${resource}/NAME`);
    if (region && region !== m[1]) throw new UserError('--region', region, `conflicts with the region in --stream (${m[1]})`);
    name = m[2];
    region = m[1];
  }
  if (o.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(o.endpoint)) throw new UserError('--endpoint', o.endpoint, 'expected a URL such as http://127.0.0.1:4567');
  return { name, region, endpoint: o.endpoint };
}

/**
 * Client settings: credentials and region from the SDK's default chain (never flags); the SDK's
 * default handler for AWS, HTTP/1.1 keep-alive for plain http:// endpoints; the producer retries.
 */
function clientConfig(s: ResolvedStream) {
  const plainHttp = s.endpoint?.startsWith('http://') === true;
  return {
    region: s.region,
    endpoint: s.endpoint,
    maxAttempts: 1,
    requestHandler: plainHttp
      ? new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }), requestTimeout: 10_000, throwOnRequestTimeout: true, connectionTimeout: 2_000 })
      : undefined,
  };
}

export function kinesisClient(s: ResolvedStream): KinesisClient {
  return new KinesisClient(clientConfig(s));
}

export function firehoseClient(s: ResolvedStream): FirehoseClient {
  return new FirehoseClient(clientConfig(s));
}

export interface KinesisPreflight {
  /** The region the SDK resolved. */
  region: string;
  status: string;
  openShards: number;
  onDemand: boolean;
}

/** DescribeStreamSummary + ListShards before the first record. */
export async function preflightKinesis(client: KinesisClient, s: ResolvedStream): Promise<KinesisPreflight> {
  const abortSignal = AbortSignal.timeout(PREFLIGHT_MS);
  try {
    s = await withRegion(client, s);
    const { StreamDescriptionSummary: d } = await client.send(new DescribeStreamSummaryCommand({ StreamName: s.name }), { abortSignal });
    const status = d?.StreamStatus ?? 'UNKNOWN';
    if (status !== 'ACTIVE' && status !== 'UPDATING') throw new UserError('--stream', s.name, `stream is ${status}, not ACTIVE; wait for it or pick another`);
    const shards = await client.send(new ListShardsCommand({ StreamName: s.name, ShardFilter: { Type: 'AT_LATEST' } }), { abortSignal });
    const openShards = d?.OpenShardCount ?? shards.Shards?.length ?? 0;
    if (openShards === 0) throw new UserError('--stream', s.name, 'stream has no open shards');
    return { region: s.region ?? '', status, openShards, onDemand: d?.StreamModeDetails?.StreamMode === 'ON_DEMAND' };
  } catch (err) {
    throw explain(err, s, 'kinesis');
  }
}

export interface FirehosePreflight {
  region: string;
  status: string;
  type: string;
}

/** DescribeDeliveryStream: it exists, is ACTIVE and takes direct PUTs. */
export async function preflightFirehose(client: FirehoseClient, s: ResolvedStream): Promise<FirehosePreflight> {
  const abortSignal = AbortSignal.timeout(PREFLIGHT_MS);
  try {
    s = await withRegion(client, s);
    const { DeliveryStreamDescription: d } = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: s.name }), { abortSignal });
    const status = d?.DeliveryStreamStatus ?? 'UNKNOWN';
    if (status !== 'ACTIVE') throw new UserError('--stream', s.name, `delivery stream is ${status}, not ACTIVE`);
    const type = d?.DeliveryStreamType ?? 'DirectPut';
    if (type !== 'DirectPut') throw new UserError('--stream', s.name, `delivery stream reads from ${type}; only DirectPut streams take PutRecordBatch (send to its source stream with --target kinesis)`);
    return { region: s.region ?? '', status, type };
  } catch (err) {
    throw explain(err, s, 'firehose');
  }
}

/** The region the SDK resolved (flag, ARN, AWS_REGION or the profile), for messages. */
async function withRegion(client: KinesisClient | FirehoseClient, s: ResolvedStream): Promise<ResolvedStream> {
  return { ...s, region: await client.config.region() };
}

/** One line naming what to fix, for every way a preflight fails. */
function explain(err: unknown, s: ResolvedStream, service: 'kinesis' | 'firehose'): UserError {
  if (err instanceof UserError) return err;
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = e.name === 'Error' ? (e.code ?? e.cause?.code ?? '') : e.name;
  const where = `${s.endpoint ?? 'AWS'}${s.region ? ` in ${s.region}` : ''}`;
  const what = service === 'kinesis' ? 'stream' : 'delivery stream';
  if (code === 'ResourceNotFoundException') return new UserError('--stream', s.name, `no such ${what} at ${where}; check --stream and --region`);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(code)) {
    return new UserError('credentials', code, `not allowed to use ${what} "${s.name}" at ${where}: ${firstLine(e.message)}; grant ${service}:Describe* and Put* to the caller`);
  }
  if (/Expired/.test(code) || /expired/i.test(e.message)) return new UserError('credentials', code, 'have expired; refresh them (e.g. aws sso login) and retry');
  if (/UnrecognizedClient|InvalidSignature|InvalidClientTokenId|SignatureDoesNotMatch|IncompleteSignature/.test(code)) {
    return new UserError('credentials', code, `were refused at ${where}: ${firstLine(e.message)}`);
  }
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message)) {
    return new UserError('credentials', 'none', 'the AWS SDK default chain found none (set AWS_PROFILE, run aws sso login, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)');
  }
  if (/Region is missing/i.test(e.message)) return new UserError('--region', s.region, 'no region given and none configured (AWS_REGION or the profile)');
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up/.test(`${code} ${e.message}`)) {
    const flag = s.endpoint ? '--endpoint' : '--region';
    return new UserError(flag, s.endpoint ?? s.region, `no answer from ${service} at ${where} (${code || e.name}); check the address and that the service is up`);
  }
  const status = e.$metadata?.httpStatusCode;
  if (code === 'Unknown' && status !== undefined) {
    return new UserError(s.endpoint ? '--endpoint' : '--region', s.endpoint ?? s.region, `answered HTTP ${status}, which is not ${service}; check the address`);
  }
  return new UserError('--stream', s.name, `${service} preflight failed at ${where}: ${code || e.name}: ${firstLine(e.message)}`);
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 200);
}
