// MD5 of aggregated records on worker threads: past one core, the MD5 every aggregate needs is
// the producer's floor. An aggregate a worker takes is copied into a shared slab, so a job is a few
// numbers and the digest is written in place. A worker takes a job only while its backlog is short: when no
// core is free it falls behind, and the producer's own thread hashes the next ones itself.
import { Worker } from 'node:worker_threads';
import { sharedCopy, writeDigest, type SealedAggregate } from './codec.js';
import { Queue } from './queue.js';

// Jobs go to a worker in one message per turn of the event loop (aggregates are sealed in bursts,
// and a message costs the producer's thread microseconds): [job id, slab id, body start, digest at]
// for each, and the slabs the worker has no view of yet (see KNOWN_SLABS). The worker tells its
// progress in shared memory (FINISHED) and posts a message back only when the producer asked to be
// woken (WAKE): a load of FINISHED costs the producer nothing, a message several microseconds.
const FINISHED = 0;
const WAKE = 1;
/** Slabs a worker keeps a view of, the most recently sent ones (the producer keeps the same list). */
const KNOWN_SLABS = 32;
const JOB_FIELDS = 4;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const control = new Int32Array(workerData);
const slabs = new Map();
const order = [];
parentPort.on('message', ([jobs, newSlabs]) => {
  for (let i = 0; i < newSlabs.length; i += 2) {
    slabs.set(newSlabs[i], new Uint8Array(newSlabs[i + 1]));
    order.push(newSlabs[i]);
    if (order.length > ${KNOWN_SLABS}) slabs.delete(order.shift());
  }
  for (let i = 0; i < jobs.length; i += ${JOB_FIELDS}) {
    const bytes = slabs.get(jobs[i + 1]);
    const digestAt = jobs[i + 3];
    bytes.set(hash('md5', bytes.subarray(jobs[i + 2], digestAt), 'buffer'), digestAt);
    Atomics.store(control, ${FINISHED}, jobs[i]);
    if (Atomics.exchange(control, ${WAKE}, 0) === 1) parentPort.postMessage(0);
  }
});
`;

/** Aggregates a worker may have waiting before the producer hashes the next one itself. */
const MAX_BACKLOG = 64;

interface Job {
  id: number;
  done: () => void;
  sealed: SealedAggregate;
}

interface HashWorker {
  thread: Worker;
  /** FINISHED: the last job id the worker finished (read without waiting for a message); WAKE: 1 asks it to post one. */
  control: Int32Array;
  issued: number;
  jobs: Queue<Job>;
  /** Ids of the slabs it keeps a view of, oldest first: the same list the worker keeps. */
  slabs: number[];
  /** Jobs and new slabs (id, slab) of this turn, not posted yet. */
  outJobs: number[];
  outSlabs: (number | ArrayBufferLike)[];
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
  private next = 0;
  private postQueued = false;
  /** Posts each worker the jobs of this turn in one message. */
  private readonly post = (): void => {
    this.postQueued = false;
    for (const worker of this.workers) {
      if (worker.outJobs.length === 0 || worker.lost) continue;
      worker.thread.postMessage([worker.outJobs, worker.outSlabs]);
      worker.outJobs = [];
      worker.outSlabs = [];
    }
  };

  constructor(
    count: number,
    private readonly onError: (error: unknown) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const control = new SharedArrayBuffer(8);
      const worker: HashWorker = { thread: new Worker(WORKER_SOURCE, { eval: true, workerData: control }), control: new Int32Array(control), issued: 0, jobs: new Queue(), slabs: [], outJobs: [], outSlabs: [], lost: false };
      worker.thread.unref(); // referenced only while it holds jobs
      worker.thread.on('message', () => this.collect());
      worker.thread.on('error', (error) => this.lose(worker, error));
      this.workers.push(worker);
    }
  }

  /**
   * Hands the MD5 of a sealed aggregate to a worker with a short backlog: returns the copy in shared
   * memory the worker writes the digest into (send that one), and `done` runs once it is written
   * (from collect(), or the worker's message). Undefined: no worker can take it (all behind), so
   * the caller hashes the aggregate itself, with no copy.
   */
  hash(sealed: SealedAggregate, done: () => void): SealedAggregate | undefined {
    for (let tries = 0; tries < this.workers.length; tries++) {
      const worker = this.workers[this.next];
      this.next = (this.next + 1) % this.workers.length;
      if (worker.lost || worker.issued - Atomics.load(worker.control, FINISHED) >= MAX_BACKLOG) continue;
      const copy = sharedCopy(sealed);
      const bytes = copy.bytes;
      const id = ++worker.issued;
      if (worker.jobs.length === 0) worker.thread.ref();
      worker.jobs.push({ id, done, sealed: copy });
      const slabId = slabIdOf(bytes.buffer);
      // The body starts after the 4-byte magic. The slab goes along only if the worker has no view of it.
      worker.outJobs.push(id, slabId, bytes.byteOffset + 4, bytes.byteOffset + copy.digestAt);
      if (!worker.slabs.includes(slabId)) {
        worker.slabs.push(slabId);
        if (worker.slabs.length > KNOWN_SLABS) worker.slabs.shift();
        worker.outSlabs.push(slabId, bytes.buffer);
      }
      if (!this.postQueued) {
        this.postQueued = true;
        queueMicrotask(this.post);
      }
      return copy;
    }
    return undefined;
  }

  /** Reports every job the workers have finished (they finish in order), without waiting for messages. */
  collect(): void {
    for (const worker of this.workers) {
      const finished = Atomics.load(worker.control, FINISHED);
      while (worker.jobs.length > 0 && worker.jobs.peek().id <= finished) worker.jobs.shift().done();
      if (worker.jobs.length === 0) worker.thread.unref();
    }
  }

  /**
   * collect(), and if jobs are still out, has their workers post a message when they finish the
   * next one (whose handler collects again): the caller waits for a digest.
   */
  collectOrWake(): void {
    this.collect();
    let waiting = false;
    for (const worker of this.workers) {
      if (worker.jobs.length === 0) continue;
      Atomics.store(worker.control, WAKE, 1);
      waiting = true;
    }
    // A job finished between the first look and the flag is seen now; one finished after it posts.
    if (waiting) this.collect();
  }

  /** A worker died: its jobs are hashed here, and it takes no more. */
  private lose(worker: HashWorker, error: unknown): void {
    this.onError(error);
    worker.lost = true;
    this.finishHere(worker);
  }

  private finishHere(worker: HashWorker): void {
    while (worker.jobs.length > 0) {
      const job = worker.jobs.shift();
      writeDigest(job.sealed); // a worker that stopped mid-job leaves nothing half-written that matters: this overwrites it
      job.done();
    }
    worker.thread.unref();
  }

  /** Stops the workers; jobs still out are hashed here (close() waits for its records first, so there are none). */
  close(): void {
    this.collect();
    for (const worker of this.workers) {
      worker.lost = true;
      this.finishHere(worker);
      void worker.thread.terminate();
    }
  }
}
