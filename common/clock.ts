// Time seams: one clock and one scheduler for every stage, so tests can drive time by hand.

export interface Clock {
  /** Milliseconds; wall-clock by default so attempt timestamps are readable. */
  now(): number;
}

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Uniform [0, 1) numbers; injected for seeded jitter. */
export type Random = () => number;

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on `scheduler`. */
export function delay(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.setTimeout(resolve, ms));
}

/**
 * Runs `callback` every `ms` on `scheduler` until the returned stop function is called. With the
 * system scheduler the timer does not keep the process alive (like an unref'd setInterval).
 */
export function every(scheduler: Scheduler, ms: number, callback: () => void): () => void {
  let handle: unknown;
  let stopped = false;
  const arm = () => {
    handle = scheduler.setTimeout(() => {
      if (stopped) return;
      callback();
      arm();
    }, ms);
    (handle as { unref?: () => void } | undefined)?.unref?.();
  };
  arm();
  return () => {
    stopped = true;
    scheduler.clearTimeout(handle);
  };
}
