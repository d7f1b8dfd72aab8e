// MD5 of aggregated records on worker threads: past one core, the MD5 every aggregate needs is
// the producer's floor. Aggregates are built in SharedArrayBuffers, so a job is a few numbers and
// the digest is written in place. A worker takes a job only while its backlog is short: when no
// core is free it falls behind, and the producer's own thread hashes the next ones itself.
import { Worker } from 'node:worker_threads';
import { sharedCopy, writeDigest, type SealedAggregate } from './codec.js';
import { Queue } from './queue.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const done = new Int32Array(workerData);
parentPort.on('message', ([id, buffer, bodyStart, digestAt]) => {
  const digest = hash('md5', new Uint8Array(buffer, bodyStart, digestAt - bodyStart), 'buffer');
  new Uint8Array(buffer, digestAt, 16).set(digest);
  Atomics.store(done, 0, id);
  parentPort.postMessage(id);
});
`;

/** Aggregates a worker may have waiting before the producer hashes the next one itself. */
const MAX_BACKLOG = 16;

interface Job {
  id: number;
  done: () => void;
  sealed: SealedAggregate;
}

interface HashWorker {
  thread: Worker;
  /** The last job id the worker finished, written by the worker: read without waiting for its message. */
  finished: Int32Array;
  issued: number;
  jobs: Queue<Job>;
  lost: boolean;
}

export class HashWorkers {
  private readonly workers: HashWorker[] = [];
  private next = 0;

  constructor(
    count: number,
    private readonly onError: (error: unknown) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const finished = new SharedArrayBuffer(4);
      const worker: HashWorker = { thread: new Worker(WORKER_SOURCE, { eval: true, workerData: finished }), finished: new Int32Array(finished), issued: 0, jobs: new Queue(), lost: false };
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
      if (worker.lost || worker.issued - Atomics.load(worker.finished, 0) >= MAX_BACKLOG) continue;
      const copy = sharedCopy(sealed);
      const bytes = copy.bytes;
      const id = ++worker.issued;
      if (worker.jobs.length === 0) worker.thread.ref();
      worker.jobs.push({ id, done, sealed: copy });
      // The body starts after the 4-byte magic.
      worker.thread.postMessage([id, bytes.buffer, bytes.byteOffset + 4, bytes.byteOffset + copy.digestAt]);
      return copy;
    }
    return undefined;
  }

  /** Reports every job the workers have finished (they finish in order), without waiting for messages. */
  collect(): void {
    for (const worker of this.workers) {
      const finished = Atomics.load(worker.finished, 0);
      while (worker.jobs.length > 0 && worker.jobs.peek().id <= finished) worker.jobs.shift().done();
      if (worker.jobs.length === 0) worker.thread.unref();
    }
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
