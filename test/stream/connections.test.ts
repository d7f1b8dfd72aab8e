import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGate } from '../../pipeline/stream/gate.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';

/** One Kinesis JSON call over `agent`; resolves with the status and whether an idle socket was reused. */
function call(endpoint: string, agent: Agent, action: string, body: object): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${action}`,
          // kinesalite wants a signature's shape, not a valid one
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-west-2/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
          'x-amz-date': '20260101T000000Z',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('keep-alive connections', () => {
  let stack: LocalStream;
  beforeAll(async () => {
    stack = await startLocalStream({ streamName: 'idle', shardCount: 1 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  // Node servers close idle connections after 5 s (+1 s) by default while Node's Agent keeps them without
  // a timer, so a request sent on one just then fails with ECONNRESET (the flaky enforcement test).
  it('are never closed by the gate or kinesalite while idle, so a client cannot race the close', async () => {
    const idleMs = 6_500; // Node closes at keepAliveTimeout (5 s) plus a 1 s buffer
    await Promise.all(
      [stack.endpoint, stack.upstreamEndpoint].map(async (endpoint) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          expect(await call(endpoint, agent, 'ListStreams', {})).toEqual({ status: 200, reused: false });
          await new Promise((resolve) => setTimeout(resolve, idleMs));
          expect(await call(endpoint, agent, 'ListStreams', {}), endpoint).toEqual({ status: 200, reused: true });
        } finally {
          agent.destroy();
        }
      }),
    );
  });
});

describe('the gate towards an upstream that closes idle connections', () => {
  it('sends a request again when the upstream had closed the reused connection', async () => {
    // Answers the first request on each connection, then closes it when the next one arrives:
    // what a server whose keep-alive timeout fires just as the gate reuses the socket does.
    const upstream = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: boolean };
      if (socket.served) {
        socket.destroy();
        return;
      }
      socket.served = true;
      req.resume();
      res.end(JSON.stringify({ StreamNames: [] }));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const gate = await startGate({ upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}` });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) expect(await call(gate.endpoint, agent, 'ListStreams', {})).toMatchObject({ status: 200 });
    } finally {
      agent.destroy();
      await gate.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});

describe('a put whose shard map cannot be read', () => {
  let upstream: Server;
  let puts = 0;
  beforeAll(async () => {
    // An upstream whose DescribeStreamSummary fails at the transport level, as a reset connection does.
    upstream = createServer((req, res) => {
      const action = String(req.headers['x-amz-target']).split('.')[1];
      req.resume();
      if (action === 'PutRecords') {
        puts++;
        res.end(JSON.stringify({ FailedRecordCount: 0, Records: [{ ShardId: 'shardId-000000000000', SequenceNumber: '1' }] }));
      } else req.socket.destroy();
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
  });
  afterAll(() => {
    upstream?.closeAllConnections();
    upstream?.close();
  });

  it('is answered with a retryable InternalFailure and never forwarded unmetered', async () => {
    const gate = await startGate({ upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}` });
    const client = createLocalKinesisClient({ endpoint: gate.endpoint });
    try {
      const err = await client.send(new PutRecordsCommand({ StreamName: 's', Records: [{ PartitionKey: 'k', Data: Buffer.from('x') }] })).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
      expect((err as Error).name).toBe('InternalFailure');
      expect(puts).toBe(0);
      expect(gate.accounting().totals.acceptedRecords).toBe(0);
    } finally {
      client.destroy();
      await gate.close();
    }
  });
});
