// putMany() helpers: a refused record as a failure, and an object-mode Writable on top of putMany().
import { Writable } from 'node:stream';
import { copyBytes } from './byte-slab.js';
import { InvalidArgumentError } from './invalid-argument-error.js';
import type { FailedPut, PutManyResult } from './pipeline.js';

/** A record putMany() refused at validation, as a failure (anything else thrown is a bug and propagates). */
export function putManyRefusal(input: unknown, error: unknown): FailedPut {
  if (!(error instanceof InvalidArgumentError)) throw error;
  const r = (input ?? {}) as { partitionKey?: unknown; explicitHashKey?: unknown; data?: unknown };
  const data = r.data instanceof Uint8Array ? copyBytes(r.data) : new TextEncoder().encode(typeof r.data === 'string' ? r.data : '');
  return {
    record: {
      partitionKey: typeof r.partitionKey === 'string' ? r.partitionKey : undefined,
      explicitHashKey: typeof r.explicitHashKey === 'string' ? r.explicitHashKey : undefined,
      data,
    },
    reason: 'InvalidArgument',
    message: error.message,
    attempts: [],
  };
}

/** What the Writable needs from a producer. */
export interface BatchProducer<Input> {
  putMany(records: Input[]): Promise<PutManyResult>;
  ready(): Promise<void>;
}

export type PutStream = Writable & {
  /** Totals so far; complete once 'finish' was emitted. */
  readonly result: PutManyResult;
};

/**
 * An object-mode Writable that hands records to `producer.putMany()` in the groups the stream
 * buffered, waiting on `producer.ready()` first (stream backpressure follows the producer's).
 * 'finish' comes once every record written has settled; `result` then holds the count
 * acknowledged and every failure with its record, reason and attempts. Failed records do not
 * make the stream error: they are in `result.failed` (and emitted as 'failed' events).
 */
export function createPutStream<Input>(producer: BatchProducer<Input>, options: { highWaterMark?: number } = {}): PutStream {
  const result: PutManyResult = { acked: 0, failed: [] };
  const pending = new Set<Promise<void>>();
  const put = (records: Input[], stream: Writable): void => {
    const settled = producer.putMany(records).then((r) => {
      result.acked += r.acked;
      for (const f of r.failed) {
        result.failed.push(f);
        stream.emit('failed', f);
      }
      pending.delete(settled);
    });
    pending.add(settled);
  };
  const stream = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 500,
    write(record: Input, _encoding, callback) {
      producer.ready().then(() => {
        put([record], this);
        callback();
      }, callback);
    },
    writev(chunks, callback) {
      producer.ready().then(() => {
        put(
          chunks.map((c) => c.chunk as Input),
          this,
        );
        callback();
      }, callback);
    },
    final(callback) {
      Promise.all(pending).then(() => callback(), callback);
    },
  });
  return Object.assign(stream, { result }) as PutStream;
}
