// Hash workers shared by the producers of a process. A worker thread takes 20-70 ms to start, so
// producers that come and go (a runner's, a fleet's, a benchmark's repeated runs) lease the same
// ones instead of each starting its own. The last producer to close stops them, after a while in
// which a new producer may lease them again.
import type { SealedAggregate } from './codec.js';
import { HashWorkers } from './hash-workers.js';

/** What a producer holds while it runs. */
export interface HashWorkerLease {
  /** See HashWorkers.hash(). */
  hash(sealed: SealedAggregate, done: () => void): SealedAggregate | undefined;
  /** See HashWorkers.collect(). */
  collect(): void;
  /** The producer is done with them (its records have all settled). */
  close(): void;
  /** The threads behind the lease (shared with other producers). */
  readonly threadIds: readonly number[];
}

/** How long idle workers wait for a new producer before they stop. */
const IDLE_STOP_MS = 10_000;

interface Pool {
  workers: HashWorkers;
  users: number;
  onError: Set<(error: unknown) => void>;
  stopTimer: ReturnType<typeof setTimeout> | undefined;
}

/** One pool per worker count. */
const pools = new Map<number, Pool>();

/** Leases `count` shared hash workers; `onError` hears of a worker that failed while leased. */
export function leaseHashWorkers(count: number, onError: (error: unknown) => void, idleStopMs = IDLE_STOP_MS): HashWorkerLease {
  let pool = pools.get(count);
  if (pool === undefined || !pool.workers.alive) {
    const listeners = new Set<(error: unknown) => void>();
    pool = { workers: new HashWorkers(count, (error) => listeners.forEach((listener) => listener(error))), users: 0, onError: listeners, stopTimer: undefined };
    pools.set(count, pool);
  }
  const leased = pool;
  if (leased.stopTimer !== undefined) clearTimeout(leased.stopTimer);
  leased.stopTimer = undefined;
  leased.users++;
  leased.onError.add(onError);
  let open = true;
  return {
    hash: (sealed, done) => leased.workers.hash(sealed, done),
    collect: () => leased.workers.collect(),
    threadIds: leased.workers.threadIds,
    close: () => {
      if (!open) return;
      open = false;
      leased.onError.delete(onError);
      if (--leased.users > 0) return;
      leased.stopTimer = setTimeout(() => {
        if (leased.users > 0) return;
        leased.workers.close();
        if (pools.get(count) === leased) pools.delete(count);
      }, idleStopMs);
      leased.stopTimer.unref(); // idle workers never hold the process open
    },
  };
}
