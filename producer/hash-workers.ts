// MD5 of aggregated records on worker threads: past one core, the MD5 every aggregate needs is
// the producer's floor. A worker takes a job only while its backlog is short: when no core is free
// it falls behind, and the producer's own thread hashes the next ones itself.
//
// Jobs go through shared memory, not messages (a postMessage per aggregate cost the producer's
// thread about as much as the MD5 it moved away): each worker has a few job slots in
// SharedArrayBuffers, the producer copies an aggregate's body into the next free slot and bumps a
// counter the worker waits on (Atomics.wait); the worker writes the digest into a shared table
// and bumps its own counter, which the producer reads when it looks (collect()). A message comes
// back only when the producer said it is waiting for one. A worker out of jobs polls for a new one
// for a moment before it sleeps, so a busy producer seldom pays for a wake-up (a futex call).
import { Worker } from 'node:worker_threads';
import { writeDigest, type SealedAggregate } from './codec.js';
import { Queue } from './queue.js';

/** Jobs a worker may have waiting before the producer hashes the next aggregate itself (its slots). */
const SLOTS = 16;
// Control words (Int32) shared with a worker.
const FINISHED = 0; // jobs the worker has hashed (job ids are 1, 2, ...)
const POSTED = 1; // jobs the producer has posted
const WAITING = 2; // 1: the producer waits for a job; the worker posts a message after its next one
const STOP = 3; // 1: the worker ends
const SLEEPING = 4; // 1: the worker sleeps in Atomics.wait and must be woken
const LENGTHS = 5; // body length of slot k at LENGTHS + k
/** How long a worker out of jobs polls for the next one before it sleeps (a busy producer seals an aggregate every ~0.1 ms). */
const POLL_MS = 0.2;
const DIGEST_BYTES = 16;

const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { control, digests, slots: count } = workerData;
const ctrl = new Int32Array(control);
const out = new Uint8Array(digests);
const slots = new Array(count);
let done = 0;
while (Atomics.load(ctrl, ${STOP}) === 0) {
  if (Atomics.load(ctrl, ${POSTED}) === done) {
    const until = performance.now() + ${POLL_MS};
    while (Atomics.load(ctrl, ${POSTED}) === done && performance.now() < until);
  }
  if (Atomics.load(ctrl, ${POSTED}) === done) {
    // Said before the last look, so a job posted after it wakes this thread (see hash()).
    Atomics.store(ctrl, ${SLEEPING}, 1);
    Atomics.wait(ctrl, ${POSTED}, done, 1000);
    Atomics.store(ctrl, ${SLEEPING}, 0);
  }
  const posted = Atomics.load(ctrl, ${POSTED});
  while (done < posted) {
    // A slot's buffer is (re)sent as a message before the first job that needs it is posted.
    for (let m = receiveMessageOnPort(parentPort); m !== undefined; m = receiveMessageOnPort(parentPort)) slots[m.message[0]] = new Uint8Array(m.message[1]);
    const k = done % count;
    out.set(hash('md5', slots[k].subarray(0, Atomics.load(ctrl, ${LENGTHS} + k)), 'buffer'), k * ${DIGEST_BYTES});
    done++;
    Atomics.store(ctrl, ${FINISHED}, done);
    if (Atomics.compareExchange(ctrl, ${WAITING}, 1, 0) === 1) parentPort.postMessage(0);
  }
}
`;

interface Job {
  id: number;
  done: () => void;
  sealed: SealedAggregate;
}

interface HashWorker {
  thread: Worker;
  control: Int32Array;
  digests: Uint8Array;
  slots: (Uint8Array | undefined)[];
  posted: number;
  /** Posted and not yet collected, in order. */
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
      const control = new SharedArrayBuffer((LENGTHS + SLOTS) * 4);
      const digests = new SharedArrayBuffer(SLOTS * DIGEST_BYTES);
      const worker: HashWorker = {
        thread: new Worker(WORKER_SOURCE, { eval: true, workerData: { control, digests, slots: SLOTS } }),
        control: new Int32Array(control),
        digests: new Uint8Array(digests),
        slots: new Array<Uint8Array | undefined>(SLOTS),
        posted: 0,
        jobs: new Queue(),
        lost: false,
      };
      worker.thread.unref(); // referenced only while it holds jobs
      worker.thread.on('message', () => this.collect());
      worker.thread.on('error', (error) => this.lose(worker, error));
      this.workers.push(worker);
    }
  }

  /**
   * Hands the MD5 of a sealed aggregate to a worker with a free slot: true when one took it, and
   * `done` runs once the digest is written into `sealed` (from collect()). False: every worker is
   * behind, so the caller hashes the aggregate itself.
   */
  hash(sealed: SealedAggregate, done: () => void): boolean {
    for (let tries = 0; tries < this.workers.length; tries++) {
      const worker = this.workers[this.next];
      this.next = (this.next + 1) % this.workers.length;
      if (worker.lost) continue;
      if (worker.jobs.length >= SLOTS) this.collectFrom(worker);
      if (worker.jobs.length >= SLOTS) continue;
      const body = sealed.bytes.subarray(4, sealed.digestAt); // after the 4-byte magic
      const k = worker.posted % SLOTS;
      let slot = worker.slots[k];
      if (slot === undefined || slot.byteLength < body.byteLength) {
        // Room for the largest aggregate seen, rounded up: slots are rarely made again.
        slot = new Uint8Array(new SharedArrayBuffer(Math.max(64 * 1024, Math.ceil(body.byteLength / 4096) * 4096)));
        worker.slots[k] = slot;
        worker.thread.postMessage([k, slot.buffer]);
      }
      slot.set(body);
      Atomics.store(worker.control, LENGTHS + k, body.byteLength);
      const id = ++worker.posted;
      if (worker.jobs.length === 0) worker.thread.ref();
      worker.jobs.push({ id, done, sealed });
      Atomics.store(worker.control, POSTED, id);
      if (Atomics.load(worker.control, SLEEPING) === 1) Atomics.notify(worker.control, POSTED);
      return true;
    }
    return false;
  }

  /** Reports every job the workers have finished (they finish in order), without waiting for messages. */
  collect(): void {
    for (const worker of this.workers) this.collectFrom(worker);
  }

  /**
   * The caller waits for a job still out: a worker sends a message (which runs collect()) after
   * its next one. Jobs that finished meanwhile are collected now.
   */
  notifyWhenDone(): void {
    for (const worker of this.workers) if (worker.jobs.length > 0) Atomics.store(worker.control, WAITING, 1);
    this.collect();
  }

  private collectFrom(worker: HashWorker): void {
    const finished = Atomics.load(worker.control, FINISHED);
    while (worker.jobs.length > 0 && worker.jobs.peek().id <= finished) {
      const job = worker.jobs.shift();
      const at = ((job.id - 1) % SLOTS) * DIGEST_BYTES;
      job.sealed.bytes.set(worker.digests.subarray(at, at + DIGEST_BYTES), job.sealed.digestAt);
      job.done();
    }
    if (worker.jobs.length === 0) worker.thread.unref();
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
      writeDigest(job.sealed);
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
      Atomics.store(worker.control, STOP, 1);
      Atomics.notify(worker.control, POSTED);
      void worker.thread.terminate();
    }
  }
}
