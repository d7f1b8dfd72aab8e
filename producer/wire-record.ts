// What the pipeline tracks: one record on the wire (a Kinesis record, aggregated or raw, or a
// Firehose record) and the user records it carries. The user records of one wire record succeed
// or fail together, so nothing is allocated per user record on the hot path: each one is a
// settle target, a receive sequence and a receive time in the parallel arrays of `Members`.
import type { PutManyTally } from './pipeline.js';

/** One failed try of a user record: when, the AWS (or local) error code and its message. */
export interface Attempt {
  at: number;
  code: string;
  message: string;
}

/**
 * How a user record settles: its put()'s resolve function (a failure resolves it with a rejected
 * promise, so the reject function need not be kept), or the tally of its putMany() call.
 */
export type Sink<Result> = ((result: Result | Promise<never>) => void) | PutManyTally;

/** The user records inside one wire record, in the order they were added. */
export class Members<Result> {
  readonly sinks: Sink<Result>[];
  /** Receive order, for flush(). */
  readonly seqs: number[];
  readonly receivedAt: number[];
  /** Failed tries a user record made in an earlier wire record (re-routed after a split); rare. */
  earlier: (Attempt[] | undefined)[] | undefined;
  length = 0;

  /**
   * @param capacity members expected (an aggregator's last count): the arrays are made that long
   *   at once instead of growing by copies, garbage that lives as long as the put()s wait
   */
  constructor(capacity = 0) {
    this.sinks = capacity > 0 ? new Array<Sink<Result>>(capacity) : [];
    this.seqs = capacity > 0 ? new Array<number>(capacity) : [];
    this.receivedAt = capacity > 0 ? new Array<number>(capacity) : [];
  }

  add(sink: Sink<Result>, seq: number, receivedAt: number, earlier: Attempt[] | undefined): void {
    const i = this.length++;
    if (earlier !== undefined) (this.earlier ??= [])[i] = earlier;
    this.sinks[i] = sink;
    this.seqs[i] = seq;
    this.receivedAt[i] = receivedAt;
  }

  /** Drops capacity that was not used (the wire record is complete). */
  trim(): void {
    if (this.sinks.length === this.length) return;
    this.sinks.length = this.length;
    this.seqs.length = this.length;
    this.receivedAt.length = this.length;
  }

  /** Every failed try of member `i` (a new array): those before it joined this wire record, then `own`. */
  attemptsOf(i: number, own: Attempt[] | undefined): Attempt[] {
    const before = this.earlier?.[i];
    return before === undefined ? [...(own ?? [])] : [...before, ...(own ?? [])];
  }

  /** Tries member `i` took when this wire record, with `failed` failed tries, is acknowledged. */
  triesOf(i: number, failed: number): number {
    return (this.earlier?.[i]?.length ?? 0) + failed + 1;
  }
}

export interface WireRecord<Result> {
  /** Kinesis: the shard it was built for ('' for a user record not routed yet). */
  shardId: string;
  partitionKey: string;
  explicitHashKey: string | undefined;
  /** Where it routes: the explicit hash key, or the MD5 of the partition key (Kinesis only). */
  hashKey: bigint | undefined;
  data: Uint8Array;
  /** Data plus UTF-8 partition key: what Kinesis meters and what PutRecords' 5 MiB counts. */
  bytes: number;
  /** A KPL aggregated record (always two or more members); otherwise it is one user record as is. */
  aggregated: boolean;
  /** Data plus key bytes of the user records inside, as counted against the buffer. */
  userBytes: number;
  /** Data bytes of the user records inside (metrics). */
  dataBytes: number;
  members: Members<Result>;
  /** Lowest receive sequence, first receive time and earliest deadline of the members. */
  seq: number;
  receivedAt: number;
  deadline: number;
  /** Failed tries of this wire record; allocated on the first failure only. */
  attempts: Attempt[] | undefined;
  /** Set once it has settled, or was split into its user records (whichever came first). */
  settled: boolean;
  /** Set once it has been in a request (buffering time is measured to the first send). */
  sent: boolean;
  /** Set while its MD5 is computed on a hash worker: it may not be sent yet. */
  hashing: boolean;
  /** An aggregate's whole buffer, reusable once it is acknowledged whole (see reuseAggregateBuffer()). */
  buffer: Buffer | undefined;
}

/** One user record on its own: a raw record, or one taken out of an aggregate (split, wait line, parked). */
export function userRecord<Result>(
  partitionKey: string,
  explicitHashKey: string | undefined,
  hashKey: bigint | undefined,
  data: Uint8Array,
  pkBytes: number,
  sink: Sink<Result>,
  seq: number,
  receivedAt: number,
  deadline: number,
  attempts: Attempt[] | undefined,
): WireRecord<Result> {
  const members = new Members<Result>();
  members.add(sink, seq, receivedAt, undefined);
  const bytes = data.byteLength + pkBytes;
  return {
    shardId: '',
    partitionKey,
    explicitHashKey,
    hashKey,
    data,
    bytes,
    aggregated: false,
    userBytes: bytes,
    dataBytes: data.byteLength,
    members,
    seq,
    receivedAt,
    deadline,
    attempts,
    settled: false,
    sent: false,
    hashing: false,
    buffer: undefined,
  };
}

export function recordAttempt<R>(record: WireRecord<R>, attempt: Attempt): void {
  (record.attempts ??= []).push(attempt);
}
