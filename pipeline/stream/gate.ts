import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { silentLogger, type Logger } from '../../common/logger.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { Accounting, type GateAccounting } from './accounting.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { actionOf, AMZ_JSON, listen, parseJson, readBody, sendJson } from './json-http.js';
import {
  INTERNAL_FAILURE,
  INTERNAL_FAILURE_MESSAGE,
  THROTTLED,
  mergeResults,
  planRecords,
  throttleMessage,
  wellFormedRecords,
  type RecordPlan,
  type WirePutRecordsOutput,
  type WireRecord,
} from './put-records.js';
import { updateShardCountBySplitMerge } from './reshard.js';
import { ShardMaps, loadStreamShards, type StreamShards } from './shard-map.js';
import { ShardMeter, limitsSchema, type GateLimitOptions, type GateLimits } from './shard-meter.js';
import { waitForActive } from './streams.js';
import { systemClock, type Clock } from '../../common/clock.js';
import { Upstream, type UpstreamResponse } from './upstream.js';

export const ACCOUNTING_PATH = '/_sdfleet/accounting';
const MAX_REQUEST_BYTES = 7 * 1024 * 1024;
const RESHARD_ACTIONS = new Set(['UpdateShardCount', 'SplitShard', 'MergeShards']);

export interface GateOptions {
  /** Any plain-HTTP Kinesis endpoint: embedded kinesalite, kinesis-local, LocalStack. */
  upstream: string;
  /** Per-shard limits; default the AWS ones (1 MiB/s incl. partition key, 1000 records/s, 1 s burst). */
  limits?: GateLimitOptions;
  /** Seeded faults on PutRecord/PutRecords; none by default. */
  faults?: FaultOptions;
  /** 0 or omitted: a random free port. */
  port?: number;
  /** Listen address, default 127.0.0.1; `0.0.0.0` only inside a container, where the port is published to loopback. */
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /** Seconds of per-second accounting kept (default one hour). */
  historySeconds?: number;
}

export interface Gate {
  endpoint: string;
  port: number;
  limits: GateLimits;
  accounting(): GateAccounting;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown } | { raw: UpstreamResponse } | { drop: true } | { hang: true };

/**
 * The shard gate: an HTTP server speaking the Kinesis JSON protocol in front of an upstream.
 * PutRecord/PutRecords are metered per shard, faulted by seed, and only accepted records are
 * forwarded; every other action passes through, and reshards refresh the shard map.
 */
export async function startGate(options: GateOptions): Promise<Gate> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const limits = limitsSchema.parse(options.limits ?? {});
  const faults = new FaultInjector(options.faults);
  const meter = new ShardMeter(limits, clock);
  const accounting = new Accounting(clock, options.historySeconds);
  const upstream = new Upstream(options.upstream);
  const client: KinesisClient = createLocalKinesisClient({ endpoint: options.upstream });
  const maps = new ShardMaps((name) => loadStreamShards(client, name));
  const closing = new AbortController();
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    if (req.method === 'GET' && req.url?.split('?')[0] === ACCOUNTING_PATH) return { status: 200, body: accounting.snapshot() };
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body === undefined) return { status: 413, body: { __type: 'SerializationException', message: `request larger than ${MAX_REQUEST_BYTES} bytes` } };
    const action = actionOf(req);
    const forward = () => upstream.send(req.url ?? '/', req.headers, body);

    if (action === 'PutRecord' || action === 'PutRecords') {
      if (!String(req.headers['content-type'] ?? '').startsWith(AMZ_JSON)) {
        return { status: 400, body: { __type: 'SerializationException', message: `the shard gate meters ${AMZ_JSON} requests only` } };
      }
      return handlePut(action, body, forward, req);
    }
    const json = parseJson(body);
    const streamName = streamNameOf(json);
    const response = await forward();
    if (action === 'UpdateShardCount' && streamName && isUnknownOperation(response)) return emulateUpdateShardCount(streamName, json);
    if (RESHARD_ACTIONS.has(action) && streamName && response.status === 200) {
      maps.reload(streamName, () => waitForActive(client, streamName)).catch((err: unknown) => logger.warn({ err, streamName }, 'shard map reload failed'));
    }
    return { raw: response };
  };

  const handlePut = async (action: string, body: Buffer, forward: () => Promise<UpstreamResponse>, req: IncomingMessage): Promise<Reply> => {
    accounting.request('putRequests');
    const fault = faults.nextRequest();
    if (fault.delayMs > 0) {
      accounting.request('delayed');
      await sleep(fault.delayMs, undefined, { signal: closing.signal });
    }
    switch (fault.kind) {
      case 'error500':
        accounting.request('error500');
        return { status: 500, body: { __type: INTERNAL_FAILURE, message: INTERNAL_FAILURE_MESSAGE } };
      case 'error503':
        accounting.request('error503');
        return { status: 503, body: { __type: 'ServiceUnavailable', message: 'Service Unavailable' } };
      case 'drop':
        accounting.request('dropped');
        return { drop: true };
      case 'hang':
        accounting.request('hung');
        return { hang: true };
      case 'none':
        break;
    }

    const json = parseJson(body);
    const streamName = streamNameOf(json);
    const records = wellFormedRecords(action === 'PutRecord' ? [json] : json?.Records);
    if (!json || !streamName || !records) return { raw: await forward() }; // the upstream names what is wrong
    let map: StreamShards;
    try {
      map = await maps.get(streamName);
    } catch (err) {
      // An unknown stream: the upstream stores nothing and answers in its own words. Any other
      // failure must not let the put through unmetered: answer a retryable InternalFailure.
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return { raw: await forward() };
      logger.warn({ err, streamName }, 'shard map load failed');
      return { status: 500, body: { __type: INTERNAL_FAILURE, message: `shard gate: cannot read the shards of stream ${streamName}: ${(err as Error).message}` } };
    }
    let plans = planRecords({ meter, faults, accounting }, map, records);
    if (!plans) {
      await maps.reload(streamName);
      map = await maps.get(streamName);
      plans = planRecords({ meter, faults, accounting }, map, records);
      if (!plans) return { raw: await forward() };
    }
    const decidedAt = clock.now();

    if (action === 'PutRecord') {
      const plan = plans[0];
      if (plan.fate === 'throttled') {
        accounting.request('throttledRequests');
        return { status: 400, body: { __type: THROTTLED, message: throttleMessage(plan.shard.shardId, map.streamName, map.account) } };
      }
      if (plan.fate === 'internal') return { status: 500, body: { __type: INTERNAL_FAILURE, message: INTERNAL_FAILURE_MESSAGE } };
      const response = await forward();
      if (response.status === 200) bookAccepted(map, [plan], [parseJson(response.body) ?? {}], decidedAt);
      return { raw: response };
    }

    const accepted = plans.filter((p) => p.fate === 'accepted');
    let upstreamOut: Partial<WirePutRecordsOutput> = { Records: [] };
    if (accepted.length > 0) {
      const forwarded: Record<string, unknown> = { ...json, Records: accepted.map((p): WireRecord => p.record) };
      const response = await upstream.send(req.url ?? '/', req.headers, Buffer.from(JSON.stringify(forwarded)));
      if (response.status !== 200) return { raw: response };
      upstreamOut = (parseJson(response.body) ?? {}) as Partial<WirePutRecordsOutput>;
    }
    const merged = mergeResults(map, plans, upstreamOut.Records ?? []);
    if (upstreamOut.EncryptionType) merged.EncryptionType = upstreamOut.EncryptionType;
    bookAccepted(map, accepted, upstreamOut.Records ?? [], decidedAt);
    if (plans.some((p) => p.fate === 'throttled')) accounting.request('throttledRequests');
    return { status: 200, body: merged };
  };

  /** Books what the upstream stored; a ShardId other than predicted means the map is stale. */
  const bookAccepted = (map: StreamShards, accepted: RecordPlan[], results: Array<{ ShardId?: string; ErrorCode?: string }>, at: number): void => {
    let stale = false;
    accepted.forEach((plan, i) => {
      const result = results[i];
      if (!result || result.ErrorCode) return;
      accounting.shard(map.streamName, plan.shard.shardId, 'acceptedRecords', 1, at);
      accounting.shard(map.streamName, plan.shard.shardId, 'acceptedBytes', plan.bytes, at);
      if (result.ShardId !== undefined && result.ShardId !== plan.shard.shardId) stale = true;
    });
    if (stale) maps.reload(map.streamName).catch((err: unknown) => logger.warn({ err, streamName: map.streamName }, 'shard map reload failed'));
  };

  const emulateUpdateShardCount = async (streamName: string, json: Record<string, unknown> | undefined): Promise<Reply> => {
    const target = json?.TargetShardCount;
    if (typeof target !== 'number' || !Number.isInteger(target) || target < 1) {
      return { status: 400, body: { __type: 'ValidationException', message: `TargetShardCount: expected a positive integer (got ${JSON.stringify(target)})` } };
    }
    if (json?.ScalingType !== 'UNIFORM_SCALING') {
      return { status: 400, body: { __type: 'ValidationException', message: `ScalingType: expected UNIFORM_SCALING (got ${JSON.stringify(json?.ScalingType)})` } };
    }
    try {
      const { current } = await updateShardCountBySplitMerge(client, streamName, target);
      await maps.reload(streamName);
      const map = await maps.get(streamName);
      return { status: 200, body: { StreamName: streamName, CurrentShardCount: current, TargetShardCount: map.shards.length } };
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      return { status: e.$metadata?.httpStatusCode ?? 500, body: { __type: e.name ?? INTERNAL_FAILURE, message: e.message ?? String(err) } };
    }
  };

  const server = createServer((req, res) => {
    handle(req)
      .then((reply) => send(res, reply))
      .catch((err: unknown) => {
        if (closing.signal.aborted) return;
        logger.error({ err }, 'gate request failed');
        send(res, { status: 500, body: { __type: INTERNAL_FAILURE, message: `shard gate: ${err instanceof Error ? err.message : String(err)}` } });
      });
  });
  // Never close an idle keep-alive connection: a client reusing it just as the server closed it
  // would get ECONNRESET (Node's Agent ignores the Keep-Alive hint unless it has its own timeout).
  server.keepAliveTimeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  let closed: Promise<void> | undefined;

  return {
    endpoint: `http://${!options.host || options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    port,
    limits,
    accounting: () => accounting.snapshot(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Hung and delayed requests would otherwise hold their sockets (and close()) forever.
        for (const socket of sockets) socket.destroy();
        upstream.close();
        client.destroy();
      });
      return closed;
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if ('hang' in reply) return; // answered by nobody: the client times out, close() reaps the socket
  if ('drop' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('raw' in reply) {
    const headers = { ...reply.raw.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    delete headers.connection;
    res.writeHead(reply.raw.status, { ...headers, 'content-length': reply.raw.body.length });
    res.end(reply.raw.body);
    return;
  }
  sendJson(res, reply.status, reply.body);
}

/** StreamName, or the name inside StreamARN (`arn:aws:kinesis:region:account:stream/<name>`). */
function streamNameOf(json: Record<string, unknown> | undefined): string | undefined {
  if (typeof json?.StreamName === 'string') return json.StreamName;
  if (typeof json?.StreamARN === 'string') return json.StreamARN.split(':stream/')[1];
  return undefined;
}

function isUnknownOperation(response: UpstreamResponse): boolean {
  return response.status >= 400 && /UnknownOperation/.test(response.body.toString('utf8'));
}
