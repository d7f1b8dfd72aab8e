import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { startGate } from '../../pipeline/stream/gate.js';
import type { FaultOptions } from '../../pipeline/stream/faults.js';
import { startKinesalite, type RunningKinesalite } from '../../pipeline/stream/kinesalite.js';
import { createStream } from '../../pipeline/stream/streams.js';
import { readBack } from './support/read-back.js';

const REQUESTS = 400;
const RECORDS_PER_REQUEST = 10;
const FAULTS: FaultOptions = {
  seed: 42,
  internalFailureRate: 0.1,
  error500Rate: 0.05,
  error503Rate: 0.05,
  dropConnectionRate: 0.03,
  hangRate: 0.02,
  latencyMs: { distribution: 'fixed', ms: 1, rate: 0.5 },
};
const NO_LIMITS = { bytesPerSecond: 1e12, recordsPerSecond: 1e12 };

type Outcome = 'ok' | 'error500' | 'error503' | 'dropped' | 'hung';

/** |observed − n·p| within 4 standard deviations of a binomial (plus 1 for tiny expectations). */
function expectRate(observed: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(4 * sd + 1);
}

describe('seeded fault injection', () => {
  let kinesalite: RunningKinesalite;
  beforeAll(async () => {
    kinesalite = await startKinesalite();
    const client = createLocalKinesisClient({ endpoint: kinesalite.endpoint });
    await createStream(client, 'faults-a', 2);
    await createStream(client, 'faults-b', 2);
    await createStream(client, 'faults-c', 2);
    client.destroy();
  });
  afterAll(() => kinesalite?.close());

  /** Sequential requests, so the n-th request meets the n-th roll of the dice. */
  async function run(streamName: string, faults: FaultOptions, requests = REQUESTS) {
    const gate = await startGate({ upstream: kinesalite.endpoint, faults, limits: NO_LIMITS });
    // A hang is recognised by the gate booking it (then the test gives up on the request), not by a
    // client timeout: on a busy machine an ordinary request can take longer than any short timeout.
    const client = createLocalKinesisClient({ endpoint: gate.endpoint, requestTimeoutMs: 30_000 });
    const outcomes: Outcome[] = [];
    const failedRecords: number[] = []; // global record positions answered InternalFailure
    let stored = 0;
    try {
      for (let n = 0; n < requests; n++) {
        const records = Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => ({ PartitionKey: `k${n}-${i}`, Data: Buffer.from(`${n}/${i}`) }));
        const hungBefore = gate.accounting().totals.hung;
        const giveUp = new AbortController();
        const watch = setInterval(() => {
          if (gate.accounting().totals.hung > hungBefore) giveUp.abort();
        }, 5);
        try {
          const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: records }), { abortSignal: giveUp.signal });
          outcomes.push('ok');
          out.Records?.forEach((r, i) => {
            if (r.ErrorCode) {
              expect(r).toEqual({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' });
              failedRecords.push(n * RECORDS_PER_REQUEST + i);
            } else stored++;
          });
          expect(out.FailedRecordCount).toBe(out.Records?.filter((r) => r.ErrorCode).length);
        } catch (err) {
          const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
          if (e.$metadata?.httpStatusCode === 500) outcomes.push('error500');
          else if (e.$metadata?.httpStatusCode === 503) outcomes.push('error503');
          else if (giveUp.signal.aborted) outcomes.push('hung');
          else if (e.code === 'ECONNRESET') outcomes.push('dropped');
          else throw err;
        } finally {
          clearInterval(watch);
        }
      }
      return { outcomes, failedRecords, stored, accounting: gate.accounting() };
    } finally {
      client.destroy();
      await gate.close();
    }
  }

  it('injects each fault at its configured rate, books it, and never writes a faulted record upstream', async () => {
    const { outcomes, failedRecords, stored, accounting } = await run('faults-a', FAULTS);
    const count = (o: Outcome) => outcomes.filter((x) => x === o).length;

    expectRate(count('error500'), REQUESTS, 0.05);
    expectRate(count('error503'), REQUESTS, 0.05);
    expectRate(count('dropped'), REQUESTS, 0.03);
    expectRate(count('hung'), REQUESTS, 0.02);
    expectRate(failedRecords.length, count('ok') * RECORDS_PER_REQUEST, 0.1);
    expectRate(accounting.totals.delayed, REQUESTS, 0.5);

    // What the client saw is what the gate booked.
    expect(accounting.totals).toMatchObject({
      putRequests: REQUESTS,
      error500: count('error500'),
      error503: count('error503'),
      dropped: count('dropped'),
      hung: count('hung'),
      internalFailures: failedRecords.length,
      acceptedRecords: stored,
      throttledRecords: 0,
    });
    // Faults strike before forwarding: only the records acknowledged as stored are upstream.
    const upstream = createLocalKinesisClient({ endpoint: kinesalite.endpoint });
    expect(await readBack(upstream, 'faults-a')).toHaveLength(stored);
    upstream.destroy();
  });

  it('reproduces the same fault sequence for the same seed, and a different one for another seed', async () => {
    const again = await run('faults-b', FAULTS, 150);
    const first = await run('faults-c', FAULTS, 150);
    expect(again.outcomes).toEqual(first.outcomes);
    expect(again.failedRecords).toEqual(first.failedRecords);

    const other = await run('faults-c', { ...FAULTS, seed: 43 }, 150);
    expect(other.outcomes).not.toEqual(first.outcomes);
  });

  it('close() ends hung requests instead of leaking them', async () => {
    const gate = await startGate({ upstream: kinesalite.endpoint, faults: { hangRate: 1 } });
    const client = createLocalKinesisClient({ endpoint: gate.endpoint, requestTimeoutMs: 60_000 });
    const pending = client.send(new PutRecordsCommand({ StreamName: 'faults-a', Records: [{ PartitionKey: 'k', Data: Buffer.from('x') }] })).then(
      () => 'answered',
      () => 'failed',
    );
    while (gate.accounting().totals.hung === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await gate.close();
    expect(await pending).toBe('failed');
    client.destroy();
  });
});
