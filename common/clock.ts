// Time seams: every stage takes these so tests can drive time by hand.

export interface Clock {
  /** Milliseconds; wall-clock by default so attempt timestamps are readable. */
  now(): number;
}

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Uniform [0, 1) numbers; injected for seeded backoff jitter. */
export type Random = () => number;
