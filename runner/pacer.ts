// Paces records against a credit schedule read from an injected clock: the count allowed by time t
// is the shape's integral up to t, so a late timer or a slow batch is caught up on the next check
// instead of drifting (setTimeout only decides when to look again).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Schedule } from './load-shape.js';

export interface PaceClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after about `ms` (never rejects; an aborted signal ends it early). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

export interface Pacer {
  /** Once per record, before it goes; a Promise means "wait". `createdAtS` is used by timing replays. */
  take(createdAtS?: number): void | Promise<void>;
  /** Seconds since the first take(). */
  elapsedS(): number;
}

const MAX_NAP_MS = 100;

/** Paces to a rate shape (`max` never waits). */
export function ratePacer(schedule: Schedule, clock: PaceClock = realClock, signal?: AbortSignal): Pacer {
  let start: number | undefined;
  let sent = 0;
  let allowance = 0;
  const elapsedS = () => (start === undefined ? 0 : (clock.now() - start) / 1000);
  const wait = async (): Promise<void> => {
    for (;;) {
      const t = elapsedS();
      const due = schedule.dueBy(t);
      allowance = Math.ceil(due);
      if (sent < allowance || signal?.aborted) {
        sent++;
        return;
      }
      const rate = schedule.rateAt(t);
      const ms = rate > 0 ? ((sent + 1 - due) / rate) * 1000 : MAX_NAP_MS;
      await clock.sleep(Math.min(MAX_NAP_MS, Math.max(1, ms)), signal);
    }
  };
  if (schedule.shape.shape === 'max') return { take: () => undefined, elapsedS };
  return {
    take() {
      start ??= clock.now();
      if (sent < allowance) {
        sent++;
        return undefined;
      }
      return wait();
    },
    elapsedS,
  };
}

/** Replays at `speed` × the recording's own timing (its created_at, seconds); records already late go at once. */
export function timingPacer(speed: number, clock: PaceClock = realClock, signal?: AbortSignal): Pacer {
  let start: number | undefined;
  let firstS: number | undefined;
  const elapsedS = () => (start === undefined ? 0 : (clock.now() - start) / 1000);
  return {
    take(createdAtS) {
      start ??= clock.now();
      if (createdAtS === undefined || !Number.isFinite(createdAtS)) return undefined;
      firstS ??= createdAtS;
      const lateByMs = (elapsedS() - (createdAtS - firstS) / speed) * 1000;
      return lateByMs >= 0 ? undefined : clock.sleep(-lateByMs, signal);
    },
    elapsedS,
  };
}
