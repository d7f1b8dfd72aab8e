import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { silentLogger } from '../../common/logger.js';
import { startDirectPutDelivery, type DirectPutDelivery, type DirectPutDeliveryOptions } from '../delivery/direct-put.js';
import { DEFAULT_ERROR_PREFIX, DEFAULT_PREFIX } from '../delivery/prefix.js';
import { actionOf, listen, parseJson, readBody, sendJson } from '../stream/json-http.js';
import { systemClock, type Clock } from '../../common/clock.js';
import { DeliveryStreamMeter, firehoseLimitsSchema, MAX_BYTES_PER_CALL, type FirehoseLimitOptions, type FirehoseLimits } from './limits.js';
import { decodeRecords, invalid, meterRecords, SLOW_DOWN, type FirehoseError } from './put-records.js';

const SERVICE = 'Firehose_20150804';
// base64 of a full 4 MiB call plus its JSON; bigger bodies are refused unread.
const MAX_BODY_BYTES = Math.ceil((MAX_BYTES_PER_CALL * 4) / 3) + 1024 * 1024;

export interface LocalFirehoseOptions extends DirectPutDeliveryOptions {
  /** Per delivery stream; default Firehose's: 2,000 requests/s, 5,000 records/s, 5 MiB/s, 1 s burst. */
  limits?: FirehoseLimitOptions;
  /** 0 or omitted: a random free port. */
  port?: number;
  /** Listen address, default 127.0.0.1. */
  host?: string;
  clock?: Clock;
}

export interface FirehoseCounts {
  /** PutRecord and PutRecordBatch calls that named this delivery stream. */
  putRequests: number;
  /** Calls refused whole over the request rate. */
  throttledRequests: number;
  /** Calls refused whole as invalid (limits, shape). */
  invalidRequests: number;
  acceptedRecords: number;
  acceptedBytes: number;
  /** Records answered `ServiceUnavailableException` ("Slow down."), in a batch or as a whole PutRecord. */
  throttledRecords: number;
}

export interface LocalFirehose {
  /** Point `@aws-sdk/client-firehose` (and FirehoseProducer) here. */
  endpoint: string;
  port: number;
  deliveryStreamName: string;
  deliveryStreamArn: string;
  limits: FirehoseLimits;
  counts(): FirehoseCounts;
  /** The local delivery behind the API: stats() and flush(). */
  delivery: Pick<DirectPutDelivery, 'stats' | 'flush'>;
  /** Stops answering, then delivers what was accepted (`{ flush: false }`: drops it, as a crash would). */
  stop(options?: { flush?: boolean }): Promise<void>;
}

type Reply = { status: number; body: unknown };

/**
 * A local Amazon Data Firehose endpoint for one direct-PUT delivery stream: PutRecord,
 * PutRecordBatch and DescribeDeliveryStream over the JSON protocol, with Firehose's call limits,
 * its per-stream rate limits (token buckets) and its error shapes, feeding the local delivery
 * (Lambda transform → partitioned GZIP objects) into a bucket.
 */
export async function startLocalFirehose(options: LocalFirehoseOptions): Promise<LocalFirehose> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const limits = firehoseLimitsSchema.parse(options.limits ?? {});
  const meter = new DeliveryStreamMeter(limits, clock);
  const name = options.deliveryStreamName;
  const region = options.region ?? 'us-west-2';
  const account = options.account ?? '000000000000';
  const arn = `arn:aws:firehose:${region}:${account}:deliverystream/${name}`;
  const createdAt = clock.now();
  const delivery = startDirectPutDelivery({ ...options, region, account, logger });
  const counts: FirehoseCounts = { putRequests: 0, throttledRequests: 0, invalidRequests: 0, acceptedRecords: 0, acceptedBytes: 0, throttledRecords: 0 };
  const newId = () => randomBytes(42).toString('base64url'); // opaque, like Firehose's long record ids
  let stopping = false;

  const error = (e: FirehoseError): Reply => ({ status: e.status, body: { __type: e.type, message: e.message } });

  const put = (action: 'PutRecord' | 'PutRecordBatch', json: Record<string, unknown>): Reply => {
    counts.putRequests++;
    const records = decodeRecords(action === 'PutRecord' ? [json.Record] : json.Records);
    if (!Array.isArray(records)) {
      counts.invalidRequests++;
      return error(records);
    }
    if (!meter.admitRequest()) {
      counts.throttledRequests++;
      counts.throttledRecords += records.length;
      return error(invalid(SLOW_DOWN.message, SLOW_DOWN.code));
    }
    const { accepted, responses } = meterRecords(meter, records, newId);
    counts.throttledRecords += records.length - accepted.length;
    counts.acceptedRecords += accepted.length;
    counts.acceptedBytes += accepted.reduce((sum, r) => sum + r.byteLength, 0);
    delivery.put(accepted, clock.now());
    if (action === 'PutRecord') {
      const only = responses[0];
      return 'RecordId' in only ? { status: 200, body: { RecordId: only.RecordId, Encrypted: false } } : error(invalid(SLOW_DOWN.message, SLOW_DOWN.code));
    }
    return { status: 200, body: { FailedPutCount: records.length - accepted.length, Encrypted: false, RequestResponses: responses } };
  };

  const describe = (): Reply => {
    const s3 = options.s3Buffer ?? {};
    return {
      status: 200,
      body: {
        DeliveryStreamDescription: {
          DeliveryStreamName: name,
          DeliveryStreamARN: arn,
          DeliveryStreamStatus: 'ACTIVE',
          DeliveryStreamType: 'DirectPut',
          VersionId: '1',
          CreateTimestamp: createdAt / 1000,
          Destinations: [
            {
              DestinationId: 'destinationId-000000000001',
              ExtendedS3DestinationDescription: {
                BucketARN: 'arn:aws:s3:::sdfleet-local-lake',
                Prefix: options.prefix ?? DEFAULT_PREFIX,
                ErrorOutputPrefix: options.errorPrefix ?? DEFAULT_ERROR_PREFIX,
                BufferingHints: { SizeInMBs: Math.max(1, Math.round((s3.sizeBytes ?? 5 * 1024 * 1024) / (1024 * 1024))), IntervalInSeconds: Math.round((s3.intervalMs ?? 300_000) / 1000) },
                CompressionFormat: options.format === 'parquet' ? 'UNCOMPRESSED' : 'GZIP',
                EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
                RoleARN: `arn:aws:iam::${account}:role/sdfleet-local`,
                ProcessingConfiguration: {
                  Enabled: true,
                  Processors: [{ Type: 'Lambda', Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: `arn:aws:lambda:${region}:${account}:function:sdfleet-transform:$LATEST` }] }],
                },
                DynamicPartitioningConfiguration: { Enabled: true },
              },
            },
          ],
          HasMoreDestinations: false,
        },
      },
    };
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) return error(invalid(`request larger than ${MAX_BODY_BYTES} bytes`, 'SerializationException'));
    const [service] = String(req.headers['x-amz-target'] ?? '').split('.');
    const action = actionOf(req);
    if (req.method !== 'POST' || service !== SERVICE || !['PutRecord', 'PutRecordBatch', 'DescribeDeliveryStream'].includes(action)) {
      return error(invalid(`the local Firehose serves ${SERVICE}.PutRecord, PutRecordBatch and DescribeDeliveryStream (got "${String(req.headers['x-amz-target'] ?? '')}")`, 'UnknownOperationException'));
    }
    const json = parseJson(body);
    if (!json) return error(invalid('the body is not a JSON object', 'SerializationException'));
    if (typeof json.DeliveryStreamName !== 'string' || json.DeliveryStreamName === '') return error(invalid('DeliveryStreamName: required'));
    if (json.DeliveryStreamName !== name) {
      return error(invalid(`Firehose ${json.DeliveryStreamName} under account ${account} not found.`, 'ResourceNotFoundException'));
    }
    if (action === 'DescribeDeliveryStream') return describe();
    if (stopping) return error(invalid(SLOW_DOWN.message, SLOW_DOWN.code)); // nothing is accepted once delivery is closing
    return put(action as 'PutRecord' | 'PutRecordBatch', json);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res: ServerResponse) => {
    handle(req)
      .then((reply) => sendJson(res, reply.status, reply.body))
      .catch((err: unknown) => {
        logger.error({ err }, 'local firehose request failed');
        sendJson(res, 500, { __type: 'ServiceUnavailableException', message: `local firehose: ${err instanceof Error ? err.message : String(err)}` });
      });
  });
  server.keepAliveTimeout = 0; // as the shard gate: clients close idle connections, so none can race a server-side close
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (err) {
    await delivery.stop({ flush: false });
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${!options.host || options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    port,
    deliveryStreamName: name,
    deliveryStreamArn: arn,
    limits,
    counts: () => ({ ...counts }),
    delivery: { stats: () => delivery.stats(), flush: () => delivery.flush() },
    stop(stopOptions) {
      stopped ??= (async () => {
        stopping = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        await delivery.stop(stopOptions);
      })();
      return stopped;
    },
  };
}
