// What the pipeline tracks: one record on the wire (a Kinesis record, aggregated or raw, or a
// Firehose record) and the user records it carries. The user records of one wire record succeed
// or fail together, so nothing is stored per user record on the hot path: `Members` keeps runs of
// user records that share how they settle (a putMany() tally, or their put() handles), their flush
// epoch and their receive time, and settles them per run.
import type { PutManyTally } from './pipeline.js';

/** One failed try of a user record: when, the AWS (or local) error code and its message. */
export interface Attempt {
  at: number;
  code: string;
  message: string;
}

/**
 * put() records settle through their wire record's `Members` (the handle put() returned reads its
 * outcome there, see put-handle.ts); putMany() records through their call's tally.
 */
export const VIA_HANDLE = 0;
export type Sink = PutManyTally | typeof VIA_HANDLE;

/** A put()'s handle, observed: it is told its outcome, and follows its record when that moves. */
export interface Observer<Result> {
  members: Members<Result>;
  index: number;
  settle(result: Result | Promise<never>): void;
}

/**
 * Where a user record being added to a wire record settles: a putMany() tally, a put() handle
 * (told where its record is), or the `Members` of the record it was (a retried user record, whose
 * handle follows it). Returns what the wire record keeps for it.
 */
export interface Target<Result> {
  attach(members: Members<Result>, index: number): Sink;
}

const PENDING = 0;
const ACKED = 1;
const FAILED = 2;
/** Its user records moved on: split into `parts`, or (one user record) into `forwardTo`. */
const MOVED = 3;
const NO_OBSERVERS: readonly Observer<never>[] = [];

/** The user records inside one wire record, in the order they were added, and how they settled. */
export class Members<Result> implements Target<Result> {
  /** User records. */
  length = 0;
  // Runs of user records with the same sink, flush epoch and receive time: one per putMany() call
  // or per turn of the event loop in an aggregate, instead of three slots per user record. The
  // last run is also in fields, so adding to it reads nothing else.
  readonly runSinks: Sink[] = [];
  /** Index of a run's first member (it ends where the next begins, the last one at `length`). */
  readonly runStarts: number[] = [];
  readonly runSeqs: number[] = [];
  readonly runAt: number[] = [];
  private lastSink: Sink | undefined = undefined;
  private lastSeq = 0;
  private lastAt = 0;
  /** Failed tries a user record made in an earlier wire record (re-routed after a split); rare. */
  earlier: (Attempt[] | undefined)[] | undefined;
  private state = PENDING;
  private resultAt: ((index: number, tries: number) => Result) | undefined;
  private failedTries = 0;
  /** After a split: the Members of each user record's own wire record. */
  private parts: Members<Result>[] | undefined;
  /** After a one-record wire record was re-added elsewhere: where it went. */
  private forwardTo: Members<Result> | undefined;
  private forwardIndex = 0;
  /** put() handles awaited before the outcome was known. */
  private observers: Observer<Result>[] | undefined;
  /** A failed one-record wire record of a put(): the rejection its handle settles to. */
  private rejection: Promise<never> | undefined;

  add(sink: Sink, seq: number, receivedAt: number, earlier: Attempt[] | undefined): void {
    const i = this.length++;
    if (earlier !== undefined) (this.earlier ??= [])[i] = earlier;
    if (sink === this.lastSink && seq === this.lastSeq && receivedAt === this.lastAt) return;
    this.lastSink = sink;
    this.lastSeq = seq;
    this.lastAt = receivedAt;
    this.runSinks.push(sink);
    this.runStarts.push(i);
    this.runSeqs.push(seq);
    this.runAt.push(receivedAt);
  }

  /** Member index after the last member of run `r`. */
  runEnd(r: number): number {
    return r + 1 < this.runStarts.length ? this.runStarts[r + 1] : this.length;
  }

  /** The sink of the first member (a one-record wire record's only one). */
  get firstSink(): Sink {
    return this.runSinks[0];
  }

  get firstSeq(): number {
    return this.runSeqs[0];
  }

  get firstReceivedAt(): number {
    return this.runAt[0];
  }

  /** What a one-record wire record is re-added with: its tally, or these Members (its handle follows). */
  get target(): Target<Result> {
    const sink = this.runSinks[0];
    return sink === VIA_HANDLE ? this : sink;
  }

  /** This one-record wire record's user record was re-added to `members` at `index`. */
  attach(members: Members<Result>, index: number): Sink {
    this.state = MOVED;
    this.forwardTo = members;
    this.forwardIndex = index;
    this.moveObservers((o) => {
      o.members = members;
      o.index = index;
    });
    return VIA_HANDLE;
  }

  /** This wire record was split: member i is now the one user record of `parts[i]`. */
  splitInto(parts: Members<Result>[]): void {
    this.state = MOVED;
    this.parts = parts;
    this.moveObservers((o) => {
      o.members = parts[o.index];
      o.index = 0;
    });
  }

  private moveObservers(move: (o: Observer<Result>) => void): void {
    for (const o of this.takeObservers()) {
      move(o);
      o.members.observe(o);
    }
  }

  /** The handles waiting here, each to be told once: the list is emptied. */
  private takeObservers(): readonly Observer<Result>[] {
    const observers = this.observers;
    if (observers === undefined) return NO_OBSERVERS;
    this.observers = undefined;
    return observers;
  }

  /** Acknowledged with `failedTries` failed tries before: observers get their result now, other handles when they ask. */
  acked(resultAt: (index: number, tries: number) => Result, failedTries: number): void {
    this.state = ACKED;
    this.resultAt = resultAt;
    this.failedTries = failedTries;
    for (const o of this.takeObservers()) o.settle(this.resultOf(o.index));
  }

  /**
   * A one-record wire record of a put() failed. The rejection is made now, as a native promise's
   * would be: a put nobody observes still surfaces as an unhandled rejection.
   */
  failed(error: Error): void {
    this.state = FAILED;
    const rejection = (this.rejection = Promise.reject(error));
    for (const o of this.takeObservers()) o.settle(rejection);
  }

  /**
   * Tells `observer` (a put()'s handle, awaited) the outcome of its user record, now when it is
   * known, else once it is. Follows the record through splits and re-routes first.
   */
  observe(observer: Observer<Result>): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let m: Members<Result> = this;
    let i = observer.index;
    while (m.state === MOVED) {
      if (m.parts !== undefined) {
        m = m.parts[i];
        i = 0;
      } else {
        i = m.forwardIndex;
        m = m.forwardTo as Members<Result>;
      }
    }
    observer.members = m;
    observer.index = i;
    if (m.state === ACKED) observer.settle(m.resultOf(i));
    else if (m.state === FAILED) observer.settle(m.rejection as Promise<never>);
    else (m.observers ??= []).push(observer);
  }

  private resultOf(index: number): Result {
    return (this.resultAt as (index: number, tries: number) => Result)(index, this.triesOf(index, this.failedTries));
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
  /** Lowest flush epoch (see Pipeline.flush()), first receive time and earliest deadline of the members. */
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

/**
 * One user record on its own: a raw record, or one taken out of an aggregate (split, wait line,
 * parked). `target`: where it settles (attached here), or VIA_HANDLE for a part of a split record
 * (the split links its handle).
 */
export function userRecord<Result>(
  partitionKey: string,
  explicitHashKey: string | undefined,
  hashKey: bigint | undefined,
  data: Uint8Array,
  pkBytes: number,
  target: Target<Result> | typeof VIA_HANDLE,
  seq: number,
  receivedAt: number,
  deadline: number,
  attempts: Attempt[] | undefined,
): WireRecord<Result> {
  const members = new Members<Result>();
  members.add(target === VIA_HANDLE ? VIA_HANDLE : target.attach(members, 0), seq, receivedAt, undefined);
  return recordOf(members, partitionKey, explicitHashKey, hashKey, data, pkBytes, deadline, attempts);
}

/** The wire record of one user record already in `members` (a lone record of an aggregate goes out raw). */
export function recordOf<Result>(
  members: Members<Result>,
  partitionKey: string,
  explicitHashKey: string | undefined,
  hashKey: bigint | undefined,
  data: Uint8Array,
  pkBytes: number,
  deadline: number,
  attempts: Attempt[] | undefined,
): WireRecord<Result> {
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
    seq: members.firstSeq,
    receivedAt: members.firstReceivedAt,
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
