// MD5 of aggregated records on worker threads: past one core, the MD5 every aggregate needs is
// the producer's floor. Aggregates are built in SharedArrayBuffers, so a job is a few numbers and
// the digest is written in place. A worker takes a job only while its backlog is short: when no
// core is free it falls behind, and the producer's own thread hashes the next ones itself.
import { Worker } from 'node:worker_threads';
import { writeDigest, type SealedAggregate } from './codec.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ([id, buffer, bodyStart, digestAt]) => {
  const digest = createHash('md5').update(new Uint8Array(buffer, bodyStart, digestAt - bodyStart)).digest();
  new Uint8Array(buffer, digestAt, 16).set(digest);
  parentPort.postMessage(id);
});
`;

/** Aggregates a worker may have waiting before the producer hashes the next one itself. */
const MAX_BACKLOG = 4;

interface Job {
  worker: HashWorker;
  done: () => void;
  sealed: SealedAggregate;
}

interface HashWorker {
  thread: Worker;
  backlog: number;
}

export class HashWorkers {
  private readonly workers: HashWorker[] = [];
  private readonly jobs = new Map<number, Job>();
  private ids = 0;
  private next = 0;

  constructor(
    count: number,
    private readonly onError: (error: unknown) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const worker: HashWorker = { thread: new Worker(WORKER_SOURCE, { eval: true }), backlog: 0 };
      worker.thread.unref(); // referenced only while it holds jobs
      worker.thread.on('message', (id: number) => this.finished(id));
      worker.thread.on('error', (error) => this.lost(worker, error));
      this.workers.push(worker);
    }
  }

  /**
   * Hands the MD5 of a sealed aggregate to a worker with a short backlog; `done` runs once the
   * digest is written. False: no worker can take it (all busy, or the buffer is not shared), so
   * the caller hashes it itself.
   */
  hash(sealed: SealedAggregate, done: () => void): boolean {
    const bytes = sealed.bytes;
    if (!(bytes.buffer instanceof SharedArrayBuffer)) return false;
    for (let tries = 0; tries < this.workers.length; tries++) {
      const worker = this.workers[this.next];
      this.next = (this.next + 1) % this.workers.length;
      if (worker.backlog >= MAX_BACKLOG) continue;
      const id = ++this.ids;
      if (worker.backlog++ === 0) worker.thread.ref();
      this.jobs.set(id, { worker, done, sealed });
      // The body starts after the 4-byte magic.
      worker.thread.postMessage([id, bytes.buffer, bytes.byteOffset + 4, bytes.byteOffset + sealed.digestAt]);
      return true;
    }
    return false;
  }

  private finished(id: number): void {
    const job = this.jobs.get(id);
    if (job === undefined) return;
    this.jobs.delete(id);
    if (--job.worker.backlog === 0) job.worker.thread.unref();
    job.done();
  }

  /** A worker died: its jobs are hashed here, and it takes no more. */
  private lost(worker: HashWorker, error: unknown): void {
    this.onError(error);
    worker.backlog = Infinity;
    for (const [id, job] of this.jobs) {
      if (job.worker !== worker) continue;
      this.jobs.delete(id);
      writeDigest(job.sealed);
      job.done();
    }
  }

  /** Stops the workers; jobs still out are hashed here (close() waits for its records first, so there are none). */
  close(): void {
    for (const [id, job] of this.jobs) {
      this.jobs.delete(id);
      writeDigest(job.sealed);
      job.done();
    }
    for (const worker of this.workers) void worker.thread.terminate();
    this.workers.length = 0;
  }
}
