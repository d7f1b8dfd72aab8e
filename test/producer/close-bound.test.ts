// A producer fleet under CPU contention through the real gate and kinesalite, with hung requests:
// close() must resolve within recordTtlMs + requestTimeoutMs after the last put (plus event-loop
// lag, which the contention makes large), and every put must have settled exactly once.
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startLocalStream } from '../../pipeline/stream/local-stream.js';
import { KinesisProducer, createLocalKinesisClient } from '../../producer/index.js';
import { recordData } from '../stream/support/offer.js';

const PRODUCERS = 8;
const SHARDS = 2;
const RECORD_BYTES = 1024;
const OFFER_MS = 2_000;
const TTL_MS = 2_500;
const REQUEST_TIMEOUT_MS = 1_000;
// Timers fire late on a machine this busy; the bound catches a hang, not a slow close.
const LAG_ALLOWANCE_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Keeps one core busy in a worker thread and another in a child process until stopped. */
function burnCpu(): () => Promise<void> {
  const worker = new Worker('for (;;) {}', { eval: true });
  const child: ChildProcess = fork('-e', ['for (;;) {}'], { execArgv: [], stdio: 'ignore' });
  return async () => {
    await worker.terminate();
    child.kill('SIGKILL');
  };
}

async function offer(producer: KinesisProducer, source: string, until: number) {
  const perSecond = (1.5 * SHARDS * 1024 * 1024) / PRODUCERS / RECORD_BYTES;
  const settled: boolean[] = [];
  let settledTwice = 0;
  const start = Date.now();
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - start) / 1000) * perSecond);
    while (settled.length < due && Date.now() < until) {
      // Honour backpressure, but never past the end of the offer: ready() must not hang either.
      await Promise.race([producer.ready(), sleep(until - Date.now())]);
      const i = settled.length;
      settled.push(false);
      const done = () => {
        if (settled[i]) settledTwice++;
        settled[i] = true;
      };
      producer.put({ partitionKey: `${source}-${i % 50}`, data: recordData(source, i, RECORD_BYTES - 8) }).then(done, done);
    }
    await sleep(10);
  }
  return { settled, twice: () => settledTwice };
}

describe('close() bound under CPU contention', () => {
  it('every producer of a fleet closes within recordTtlMs + requestTimeoutMs of its last put, every put settled once', async () => {
    const stack = await startLocalStream({ streamName: 'fleet', shardCount: SHARDS, gate: { faults: { seed: 3, hangRate: 0.05, dropConnectionRate: 0.02 } } });
    const stopBurning = burnCpu();
    const clients = Array.from({ length: PRODUCERS }, () => createLocalKinesisClient({ endpoint: stack.endpoint, requestTimeoutMs: 30_000 }));
    try {
      const producers = clients.map(
        (client) => new KinesisProducer({ client, streamName: 'fleet', recordTtlMs: TTL_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxBufferedBytes: 512 * 1024, metricsIntervalMs: 0 }),
      );
      const until = Date.now() + OFFER_MS;
      const offers = await Promise.all(producers.map((p, i) => offer(p, `p${i}`, until)));
      const lastPut = Date.now();
      const closeTimes = await Promise.all(
        producers.map(async (p) => {
          const closed = p.close().then(() => Date.now() - lastPut);
          const watchdog = sleep(TTL_MS + REQUEST_TIMEOUT_MS + LAG_ALLOWANCE_MS).then(() => Infinity);
          return Promise.race([closed, watchdog]);
        }),
      );
      expect(closeTimes.every((t) => t <= TTL_MS + REQUEST_TIMEOUT_MS + LAG_ALLOWANCE_MS), `close() took ${closeTimes.join(', ')} ms`).toBe(true);
      await sleep(0);
      for (const [i, o] of offers.entries()) {
        expect(o.settled.length).toBeGreaterThan(0);
        expect(o.settled.every(Boolean), `producer ${i}: a put never settled`).toBe(true);
        expect(o.twice()).toBe(0);
        const m = producers[i].metrics().stream;
        expect(m.UserRecordsPending).toBe(0);
        expect(m.UserRecordsReceived).toBe(o.settled.length);
      }
    } finally {
      await stopBurning();
      for (const c of clients) c.destroy();
      await stack.close();
    }
  }, 60_000);
});
