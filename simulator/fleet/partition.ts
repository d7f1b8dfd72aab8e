import { UserError } from '../../common/user-error.js';

export interface WorkerSlice {
  index: number;
  count: number;
}

/** Vehicle i belongs to worker i mod n: disjoint, covering, and every worker gets a share of each class. */
export function belongsTo(vehicleIndex: number, worker: WorkerSlice): boolean {
  return vehicleIndex % worker.count === worker.index;
}

/** Parses `--worker i/n` (0-based i). */
export function parseWorker(text: string, field = '--worker'): WorkerSlice {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UserError(field, text, 'expected i/n with 0 ≤ i < n, e.g. 0/4');
  const slice = { index: Number(m[1]), count: Number(m[2]) };
  checkWorker(slice, field);
  return slice;
}

export function checkWorker(w: WorkerSlice, field = 'worker'): void {
  if (!Number.isInteger(w.count) || w.count < 1 || !Number.isInteger(w.index) || w.index < 0 || w.index >= w.count) {
    throw new UserError(field, `${w.index}/${w.count}`, 'expected i/n with 0 ≤ i < n, e.g. 0/4');
  }
}
