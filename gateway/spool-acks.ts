// The ack journal: which spooled readings the transport acknowledged (or the size bound dropped),
// as inclusive index ranges, appended with the spool's framing and CRC. It lets a restart skip what
// was already delivered; losing its tail only costs duplicates (delivery is at least once).
import { closeSync, fdatasyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EntryType, encodeEntry, scanEntries } from './spool-segment.js';

export const ACK_JOURNAL = 'acks.log';
const COMPACT_JOURNAL_BYTES = 1024 * 1024;

export type Range = [number, number];

export interface Totals {
  acked: number;
  dropped: number;
  lost: number;
}

export interface JournalState {
  ranges: Range[];
  totals: Totals;
  corruptBytes: number;
}

/** Reads what a previous run journalled; a missing journal is an empty one. */
export function readAckJournal(dir: string): JournalState {
  let buf: Buffer;
  try {
    buf = readFileSync(join(dir, ACK_JOURNAL));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ranges: [], totals: { acked: 0, dropped: 0, lost: 0 }, corruptBytes: 0 };
    throw err;
  }
  const scan = scanEntries(buf);
  const ranges: Range[] = [];
  let totals: Totals = { acked: 0, dropped: 0, lost: 0 };
  for (const e of scan.entries) {
    const value: unknown = JSON.parse(e.payload.toString('utf8'));
    if (e.type === EntryType.AckRanges) ranges.push(...(value as Range[]));
    else if (e.type === EntryType.Totals) totals = value as Totals;
  }
  return { ranges, totals, corruptBytes: scan.corrupt.reduce((n, c) => n + c.bytes, 0) + scan.tornTailBytes };
}

/** Collapses sorted indices into inclusive ranges. */
export function toRanges(indices: readonly number[]): Range[] {
  const sorted = [...indices].sort((a, b) => a - b);
  const out: Range[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i <= last[1] + 1) last[1] = Math.max(last[1], i);
    else out.push([i, i]);
  }
  return out;
}

export class AckJournal {
  private fd: number;
  private bytes = 0;

  constructor(private readonly dir: string) {
    this.fd = openSync(join(dir, ACK_JOURNAL), 'a');
  }

  append(ranges: Range[], totals: Totals): void {
    this.write(Buffer.concat([encodeEntry(EntryType.AckRanges, 0, Buffer.from(JSON.stringify(ranges))), encodeEntry(EntryType.Totals, 0, Buffer.from(JSON.stringify(totals)))]));
  }

  /** Whether the journal has grown enough to be worth rewriting. */
  get wantsCompaction(): boolean {
    return this.bytes > COMPACT_JOURNAL_BYTES;
  }

  /** Replaces the journal with just `ranges` and `totals` (write, fsync, rename: never half a journal). */
  compact(ranges: Range[], totals: Totals): void {
    const tmp = join(this.dir, `${ACK_JOURNAL}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, encodeEntry(EntryType.AckRanges, 0, Buffer.from(JSON.stringify(ranges))));
      writeSync(fd, encodeEntry(EntryType.Totals, 0, Buffer.from(JSON.stringify(totals))));
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, ACK_JOURNAL));
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, ACK_JOURNAL), 'a');
    this.bytes = 0;
  }

  sync(): void {
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }

  private write(buf: Buffer): void {
    writeSync(this.fd, buf);
    this.bytes += buf.length;
  }
}
