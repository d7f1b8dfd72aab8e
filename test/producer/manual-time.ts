// A clock and scheduler driven by the test, for stage unit tests and failure scenarios.
import type { Clock, Scheduler } from '../../producer/index.js';

interface Timer {
  at: number;
  id: number;
  callback: () => void;
}

/** Lets pending promise callbacks and microtasks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualTime implements Clock, Scheduler {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.current + Math.max(0, ms), id: this.nextId++, callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.callback();
      await settle();
    }
    this.current = end;
    await settle();
  }

  /** Advances in steps until `done()` holds or `limitMs` passes. */
  async runUntil(done: () => boolean, limitMs = 120_000, stepMs = 10): Promise<void> {
    for (let t = 0; t < limitMs && !done(); t += stepMs) await this.advance(stepMs);
  }
}
