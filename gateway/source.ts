import type { Reading } from './reading.js';

/** Where a source hands its readings: `accept` resolves once the reading is spooled (backpressure). */
export interface ReadingSink {
  accept(reading: Reading): void | Promise<void>;
  /** A line that is not a valid reading: reported and counted, never fatal. */
  rejected(where: string, error: string): void;
}

export interface Source {
  /** Runs until the input ends (`ended`) or `signal` aborts (`aborted`). */
  run(sink: ReadingSink, signal: AbortSignal): Promise<'ended' | 'aborted'>;
}
