import type { SpooledReading } from './spool.js';

export interface SendResult {
  /** Spool indices the far side acknowledged (PutRecords success, PUBACK). */
  acked: number[];
  /** Set when some readings were not acknowledged; they stay spooled and are sent again. */
  failure?: { count: number; reason: string };
}

/** What carries spooled readings off the vehicle. Only `send` results delete from the spool. */
export interface Transport {
  readonly name: string;
  /** Most readings one send takes. */
  readonly batchSize: number;
  /** Resolves when another send may start (connected, in-flight window, publish rate). */
  ready(signal: AbortSignal): Promise<void>;
  send(readings: SpooledReading[]): Promise<SendResult>;
  /** Counts (re)connections, for transports that have them: what was spooled before one is backlog. */
  readonly connections?: number;
  close(): Promise<void>;
}

/** Folds per-item outcomes (an error text, or none for acknowledged) into a SendResult. */
export function sendResult(items: readonly { indices: readonly number[]; error: string | undefined }[]): SendResult {
  const acked: number[] = [];
  let failed = 0;
  let reason = '';
  for (const item of items) {
    if (item.error === undefined) acked.push(...item.indices);
    else {
      failed += item.indices.length;
      reason ||= item.error;
    }
  }
  return failed > 0 ? { acked, failure: { count: failed, reason } } : { acked };
}
