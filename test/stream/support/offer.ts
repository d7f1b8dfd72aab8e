import type { KinesisProducer, PutResult } from '../../../producer/index.js';

export interface Settled {
  id: number;
  result?: PutResult;
  error?: unknown;
}

export interface OfferOptions {
  producer: KinesisProducer;
  /** Offered user bytes per second (data + partition key). */
  bytesPerSecond: number;
  /** Size of each user record (data + partition key). */
  recordBytes: number;
  durationMs: number;
  /** Distinguishes producers sharing a stream. */
  source?: string;
  /** Called once, halfway through (e.g. to reshard). */
  halfway?: () => Promise<void>;
}

/** The data of user record `id`: a JSON object naming it, padded to the record size. */
export function recordData(source: string, id: number, bytes: number): Buffer {
  const head = `{"source":"${source}","id":${id},"pad":"`;
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - 2)) + '"}');
}

/**
 * Offers user records at a fixed rate, waiting on producer.ready() when its buffer is full (so an
 * overloaded producer slows the offer instead of growing without bound). Returns every put's
 * settlement once all have settled.
 */
export async function offer(options: OfferOptions): Promise<{ settled: Settled[]; offered: number }> {
  const source = options.source ?? 'p';
  const rate = options.bytesPerSecond / options.recordBytes;
  const settlements: Array<Promise<Settled>> = [];
  const start = Date.now();
  let halfwayDone = options.halfway === undefined;
  let halfwayRun: Promise<void> | undefined;
  // Checked before every put too: at an offer above what the producer drains, ready() holds the inner
  // loop for the whole run, and a check in the outer loop alone would never fire.
  const maybeHalfway = (elapsed: number) => {
    if (!halfwayDone && elapsed >= options.durationMs / 2) {
      halfwayDone = true;
      halfwayRun = options.halfway?.();
    }
  };
  for (;;) {
    const elapsed = Date.now() - start;
    if (elapsed >= options.durationMs) break;
    maybeHalfway(elapsed);
    const due = Math.floor((elapsed / 1000) * rate);
    while (settlements.length < due) {
      await options.producer.ready();
      maybeHalfway(Date.now() - start);
      const id = settlements.length;
      const partitionKey = `${source}-veh-${id % 997}`;
      const data = recordData(source, id, options.recordBytes - partitionKey.length);
      settlements.push(
        options.producer.put({ partitionKey, data }).then(
          (result) => ({ id, result }),
          (error: unknown) => ({ id, error }),
        ),
      );
      if (Date.now() - start >= options.durationMs) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await halfwayRun;
  await options.producer.flush();
  return { settled: await Promise.all(settlements), offered: settlements.length };
}
