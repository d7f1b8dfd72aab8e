// MD5 of aggregated records on worker threads: past one core, the MD5 every aggregate needs is
// the producer's floor. An aggregate a worker takes is copied into a shared slab, so a job is a few
// numbers in a ring in shared memory and the digest is written in place. A worker takes a job only
// while its backlog is short: when no core is free it falls behind, and the producer's own thread
// hashes the next ones itself.
//
// No message per job either way: a postMessage cost this thread tens of microseconds here, more
// than hashing the records it carries saves. A worker out of jobs polls the ring for a millisecond,
// sleeping 0.1 ms at a time (Atomics.wait with a timeout: it sleeps, it does not spin), then sleeps
// until the next job wakes it (one futex wake when work resumes, not one per job). This thread reads
// what was finished from shared memory whenever it looks (the pump), and on a 1 ms timer while
// jobs are out.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { sharedCopy, writeDigest, type SealedAggregate } from './codec.js';
import { Queue } from './queue.js';
import { CONTROL } from './md5-lanes-module.js';
import { MAX_LANE_BYTES, digestInLanes, laneRuntime, md5LanesCompiled } from './md5-lanes.js';

/** Aggregates a worker may have waiting before the producer hashes the next one itself (a burst of 64 shards sealing fits). */
const MAX_BACKLOG = 64;
/** Slabs a worker keeps a view of, the most recently sent ones (the producer keeps the same list). */
const KNOWN_SLABS = 32;
const JOB_FIELDS = 4;
// Control words: jobs written (by the producer), the last job id finished (by the worker), 1 while
// the worker sleeps for good, 1 once it must stop.
const WRITTEN = 0;
const FINISHED = 1;
const ASLEEP = 2;
const STOP = 3;
/** Polls (0.1 ms each) without a job before a worker sleeps until woken. */
const IDLE_POLLS = 10;
const POLL_MS = 0.1;
/**
 * Polls a worker waits for a fourth job before hashing fewer: the lanes hash four for little more
 * than one costs, so a worker that hashed each job as it came would be busy all the time.
 */
const GATHER_POLLS = 3;
/** How often this thread collects finished jobs while some are out (besides the pump). */
const COLLECT_MS = 1;

const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const control = new Int32Array(workerData.control);
const ring = new Int32Array(workerData.ring);
const port = workerData.port;
const rt = workerData.lanes === null ? undefined : laneRuntime(workerData.lanes.module, workerData.lanes.control);
const bytes = [];
const starts = [];
const ends = [];
const slabs = new Map();
const order = [];
function slab(id) {
  // A slab is posted before the first job that needs it is written: it is in the port's queue.
  while (!slabs.has(id)) {
    const [slabId, buffer] = receiveMessageOnPort(port).message;
    slabs.set(slabId, new Uint8Array(buffer));
    order.push(slabId);
    if (order.length > ${KNOWN_SLABS}) slabs.delete(order.shift());
  }
  return slabs.get(id);
}
let done = 0;
let idle = 0;
let gathering = 0;
while (Atomics.load(control, ${STOP}) === 0) {
  const written = Atomics.load(control, ${WRITTEN});
  if (done === written) {
    if (++idle < ${IDLE_POLLS}) {
      Atomics.wait(control, ${WRITTEN}, written, ${POLL_MS});
    } else {
      Atomics.store(control, ${ASLEEP}, 1);
      Atomics.wait(control, ${WRITTEN}, written); // returns at once if a job was written meanwhile
      Atomics.store(control, ${ASLEEP}, 0);
    }
    continue;
  }
  idle = 0;
  // Fewer than four waiting: give the next ones a moment to come, so they go through the lanes together.
  if (rt !== undefined && written - done < 4 && gathering < ${GATHER_POLLS}) {
    gathering++;
    Atomics.wait(control, ${WRITTEN}, written, ${POLL_MS});
    continue;
  }
  gathering = 0;
  // Up to four waiting jobs at once in the SIMD lanes; one alone (or an oversized body) with node:crypto.
  let count = rt === undefined ? 1 : Math.min(4, written - done);
  for (let k = 0; k < count; k++) {
    const at = ((done + k) % ${MAX_BACKLOG}) * ${JOB_FIELDS};
    bytes[k] = slab(ring[at + 1]);
    starts[k] = ring[at + 2];
    ends[k] = ring[at + 3];
    if (ends[k] - starts[k] > ${MAX_LANE_BYTES}) count = Math.max(1, k);
  }
  if (count === 1) bytes[0].set(hash('md5', bytes[0].subarray(starts[0], ends[0]), 'buffer'), ends[0]);
  else digestInLanes(rt, bytes, starts, ends, count);
  done += count;
  Atomics.store(control, ${FINISHED}, ring[((done - 1) % ${MAX_BACKLOG}) * ${JOB_FIELDS}]);
}
${laneRuntime.toString()}
${digestInLanes.toString()}
`;

interface Job {
  id: number;
  done: () => void;
  sealed: SealedAggregate;
}

interface HashWorker {
  thread: Worker;
  control: Int32Array;
  /** MAX_BACKLOG jobs of JOB_FIELDS numbers: id, slab id, body start, digest at. */
  ring: Int32Array;
  /** Where slabs the worker has no view of yet are posted. */
  port: MessagePort;
  issued: number;
  jobs: Queue<Job>;
  /** Ids of the slabs it keeps a view of, oldest first: the same list the worker keeps. */
  slabs: number[];
  lost: boolean;
}

// Shared slabs are numbered once, for every worker; a slab no longer used is collected as usual
// (a worker drops its view once KNOWN_SLABS newer ones came).
const slabIds = new WeakMap<ArrayBufferLike, number>();
let lastSlabId = 0;
function slabIdOf(slab: ArrayBufferLike): number {
  let id = slabIds.get(slab);
  if (id === undefined) slabIds.set(slab, (id = ++lastSlabId));
  return id;
}

export class HashWorkers {
  private readonly workers: HashWorker[] = [];
  readonly threadIds: number[] = [];
  private next = 0;
  /** Collects while jobs are out (a real timer, whatever scheduler the producer was given); it keeps the process alive meanwhile. */
  private poller: ReturnType<typeof setInterval> | undefined;

  constructor(
    count: number,
    private readonly onError: (error: unknown) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const control = new SharedArrayBuffer(4 * 4);
      const ring = new SharedArrayBuffer(MAX_BACKLOG * JOB_FIELDS * 4);
      const { port1, port2 } = new MessageChannel();
      const module = md5LanesCompiled();
      const lanes = module === null ? null : { module, control: CONTROL };
      const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { control, ring, port: port2, lanes }, transferList: [port2] });
      thread.unref(); // the poller keeps the process alive while jobs are out, not the worker
      port1.unref();
      const worker: HashWorker = { thread, control: new Int32Array(control), ring: new Int32Array(ring), port: port1, issued: 0, jobs: new Queue(), slabs: [], lost: false };
      thread.on('error', (error) => this.lose(worker, error));
      this.workers.push(worker);
      this.threadIds.push(thread.threadId);
    }
  }

  /** Whether any worker still takes jobs. */
  get alive(): boolean {
    return this.workers.some((w) => !w.lost);
  }

  /**
   * Hands the MD5 of a sealed aggregate to a worker with a short backlog: returns the copy in shared
   * memory the worker writes the digest into (send that one), and `done` runs once it is written
   * (from collect()). Undefined: no worker can take it (all behind), so the caller hashes the
   * aggregate itself, with no copy.
   */
  hash(sealed: SealedAggregate, done: () => void): SealedAggregate | undefined {
    for (let tries = 0; tries < this.workers.length; tries++) {
      const worker = this.workers[this.next];
      this.next = (this.next + 1) % this.workers.length;
      if (worker.lost || worker.issued - Atomics.load(worker.control, FINISHED) >= MAX_BACKLOG) continue;
      const copy = sharedCopy(sealed);
      const bytes = copy.bytes;
      const slabId = slabIdOf(bytes.buffer);
      if (!worker.slabs.includes(slabId)) {
        worker.slabs.push(slabId);
        if (worker.slabs.length > KNOWN_SLABS) worker.slabs.shift();
        worker.port.postMessage([slabId, bytes.buffer]); // before the job: the worker reads it when it gets there
      }
      const id = ++worker.issued;
      worker.jobs.push({ id, done, sealed: copy });
      const at = ((id - 1) % MAX_BACKLOG) * JOB_FIELDS;
      const ring = worker.ring;
      ring[at] = id;
      ring[at + 1] = slabId;
      ring[at + 2] = bytes.byteOffset + 4; // the body starts after the 4-byte magic
      ring[at + 3] = bytes.byteOffset + copy.digestAt;
      Atomics.store(worker.control, WRITTEN, id);
      if (Atomics.exchange(worker.control, ASLEEP, 0) === 1) Atomics.notify(worker.control, WRITTEN);
      this.poller ??= setInterval(() => this.collect(), COLLECT_MS);
      return copy;
    }
    return undefined;
  }

  /** Reports every job the workers have finished (they finish in order). */
  collect(): void {
    let out = 0;
    for (const worker of this.workers) {
      const finished = Atomics.load(worker.control, FINISHED);
      while (worker.jobs.length > 0 && worker.jobs.peek().id <= finished) worker.jobs.shift().done();
      out += worker.jobs.length;
    }
    if (out === 0) this.stopPolling();
  }

  private stopPolling(): void {
    if (this.poller === undefined) return;
    clearInterval(this.poller);
    this.poller = undefined;
  }

  /** A worker died: its jobs are hashed here, and it takes no more. */
  private lose(worker: HashWorker, error: unknown): void {
    this.onError(error);
    worker.lost = true;
    this.finishHere(worker);
    this.collect();
  }

  private finishHere(worker: HashWorker): void {
    while (worker.jobs.length > 0) {
      const job = worker.jobs.shift();
      writeDigest(job.sealed); // a worker that stopped mid-job leaves nothing half-written that matters: this overwrites it
      job.done();
    }
  }

  /** Stops the workers; jobs still out are hashed here (close() waits for its records first, so there are none). */
  close(): void {
    this.collect();
    for (const worker of this.workers) {
      worker.lost = true;
      this.finishHere(worker);
      Atomics.store(worker.control, STOP, 1);
      Atomics.notify(worker.control, WRITTEN);
      worker.port.close();
      void worker.thread.terminate();
    }
    this.stopPolling();
  }
}
