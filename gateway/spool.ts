// The durable spool: a reading is accepted once it is appended here, and it leaves only when the
// transport acknowledged it (or the size bound dropped it, counted). Append-only segments with a
// CRC per entry, an fsync policy, a size bound, and a journal of acknowledgements.
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../common/logger.js';
import { AckJournal, toRanges, type Range, type Totals } from './spool-acks.js';
import { isSegmentDone, markDone, recoverSpool, segmentName, type RecoveryReport, type SegmentState } from './spool-recovery.js';
import { EntryType, decodeEntryAt, decodeReading, encodeEntry, encodeReading, resync } from './spool-segment.js';

/** `always`: fdatasync after every append; a number: at most that many ms after a write; `never`: leave it to the OS. */
export type FsyncPolicy = 'always' | 'never' | number;
export type WhenFull = 'drop-oldest' | 'block';

export interface SpoolOptions {
  dir: string;
  fsync: FsyncPolicy;
  maxBytes: number;
  whenFull: WhenFull;
  /** Segment size; defaults to 4 MiB, or a quarter of maxBytes when that is smaller. */
  segmentBytes?: number;
  logger?: Logger;
}

export interface SpooledReading {
  index: number;
  vehicleId: string;
  seq: number;
  json: Buffer;
}

export interface SpoolStats {
  /** Readings ever appended (across restarts). */
  accepted: number;
  pending: number;
  acked: number;
  dropped: number;
  lost: number;
  bytes: number;
  segments: number;
}

/** The disk cannot take the reading (ENOSPC, EIO ...); what was spooled before is kept. */
export class SpoolWriteError extends Error {
  constructor(
    readonly dir: string,
    readonly code: string,
    message: string,
  ) {
    super(`spool ${dir}: ${message}`);
    this.name = 'SpoolWriteError';
  }
}

const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;

interface Segment extends SegmentState {
  readFd?: number;
  /** Byte offset of an index, remembered where the last read stopped. */
  hints: Map<number, number>;
}

export class Spool {
  readonly recovery: RecoveryReport;
  private readonly segments: Segment[];
  private readonly journal: AckJournal;
  private readonly seqs: Map<string, number>;
  private readonly totals: Totals;
  private readonly segmentBytes: number;
  private readonly logger: Logger;
  private active!: Segment;
  private activeFd!: number;
  private next: number;
  private totalBytes: number;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly appendListeners: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly options: SpoolOptions) {
    this.logger = options.logger ?? silentLogger;
    mkdirSync(options.dir, { recursive: true });
    const recovered = recoverSpool(options.dir);
    this.recovery = recovered.report;
    this.segments = recovered.segments.map((s) => ({ ...s, hints: new Map() }));
    this.seqs = recovered.nextSeq;
    this.totals = recovered.totals;
    this.next = recovered.nextIndex;
    this.totalBytes = this.segments.reduce((n, s) => n + s.bytes, 0);
    this.segmentBytes = options.segmentBytes ?? Math.max(64 * 1024, Math.min(DEFAULT_SEGMENT_BYTES, Math.floor(options.maxBytes / 4)));
    this.journal = new AckJournal(options.dir);
    if (recovered.lost.length > 0) this.journal.append(toRanges(recovered.lost), this.totals);
    const last = this.segments[this.segments.length - 1];
    if (last && last.bytes < this.segmentBytes) {
      this.active = last;
      this.activeFd = openSync(last.path, 'a');
    } else {
      this.openSegment();
    }
    this.removeSettledSegments();
  }

  /** Opens (creating if needed) the spool in `dir` and recovers what a previous run left. */
  static open(options: SpoolOptions): Spool {
    return new Spool(options);
  }

  /** One past the index of the last reading ever appended: readings accepted across restarts. */
  get nextIndex(): number {
    return this.next;
  }

  /** The seq the next reading of this vehicle gets when its source sends none. */
  nextSeq(vehicleId: string): number {
    return this.seqs.get(vehicleId) ?? 1;
  }

  /**
   * Appends a reading; returns a promise only when the spool is full under `block`. Throws
   * SpoolWriteError when the disk refuses the write (the partial entry is cut back off).
   */
  append(vehicleId: string, seq: number, json: Buffer | string): void | Promise<void> {
    const entry = encodeEntry(EntryType.Reading, this.next, encodeReading(vehicleId, seq, json));
    if (this.roomWaiters.length > 0 || !this.makeRoom(entry.length)) {
      return new Promise<void>((resolve) => this.roomWaiters.push(resolve)).then(() => this.append(vehicleId, seq, json));
    }
    if (this.active.bytes + entry.length > this.segmentBytes && this.active.end > this.active.first) this.rotate();
    this.write(entry);
    this.active.end = this.next + 1;
    if (this.active.done.length < this.active.end - this.active.first) {
      const grown = new Uint8Array(this.active.done.length * 2);
      grown.set(this.active.done);
      this.active.done = grown;
    }
    this.next++;
    this.seqs.set(vehicleId, seq + 1);
    this.afterWrite();
    for (const listener of this.appendListeners) listener();
  }

  /** Called after every append (the drain pump wakes on it). */
  onAppend(listener: () => void): void {
    this.appendListeners.push(listener);
  }

  /** Marks readings delivered; whole segments go once every reading in them is settled. */
  ack(indices: readonly number[]): void {
    let n = 0;
    for (const i of indices) {
      const s = this.segmentOf(i);
      if (s && markDone(s, i)) n++;
    }
    if (n === 0) return;
    this.totals.acked += n;
    this.journal.append(toRanges(indices), this.totals);
    if (this.options.fsync === 'always') this.journal.sync();
    this.removeSettledSegments();
  }

  /** Index of the oldest reading still owed to the transport (nextIndex when none). */
  oldestPending(): number {
    for (const s of this.segments) {
      if (isSegmentDone(s)) continue;
      for (let i = s.first; i < s.end; i++) if (s.done[i - s.first] === 0) return i;
    }
    return this.next;
  }

  /**
   * Up to `max` readings still owed, with indices in [from, until), oldest first, and the index to
   * continue from. Reads the segment files, so a backlog of any size costs no memory.
   */
  read(from: number, until: number, max: number): { readings: SpooledReading[]; next: number } {
    const readings: SpooledReading[] = [];
    let cursor = from;
    for (const s of this.segments) {
      if (readings.length >= max || cursor >= until) break;
      if (s.end <= cursor) continue;
      if (cursor < s.first) cursor = s.first;
      if (isSegmentDone(s)) {
        cursor = s.end;
        continue;
      }
      cursor = this.readSegment(s, cursor, until, max, readings);
      if (cursor < Math.min(s.end, until) && readings.length < max) break; // the segment stopped decoding; logged there
    }
    return { readings, next: Math.min(cursor, until) };
  }

  stats(): SpoolStats {
    const pending = this.segments.reduce((n, s) => n + (s.end - s.first - s.doneCount), 0);
    return { accepted: this.next, pending, acked: this.totals.acked, dropped: this.totals.dropped, lost: this.totals.lost, bytes: this.totalBytes, segments: this.segments.length };
  }

  /** Syncs what the policy has not yet synced, and closes the files. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.syncTimer);
    if (this.options.fsync !== 'never') {
      fdatasyncSync(this.activeFd);
      this.journal.sync();
    }
    closeSync(this.activeFd);
    this.journal.close();
    for (const s of this.segments) if (s.readFd !== undefined) closeSync(s.readFd);
  }

  private readSegment(s: Segment, from: number, until: number, max: number, out: SpooledReading[]): number {
    let offset = s.hints.get(from) ?? 0;
    s.hints.delete(from);
    s.readFd ??= openSync(s.path, 'r');
    let cursor = from;
    while (offset < s.bytes && out.length < max && cursor < until) {
      const want = Math.min(READ_CHUNK_BYTES, s.bytes - offset);
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(s.readFd, buf, 0, want, offset);
      let at = 0;
      for (;;) {
        const chunk = buf.subarray(0, got);
        const e = decodeEntryAt(chunk, at);
        if (e === 'short' && at > 0) break; // the rest of it comes with the next chunk
        if (typeof e !== 'object') {
          // Damaged since recovery counted it (recovery already settled what it could not decode).
          const next = resync(chunk, at + 1);
          if (next < 0) return this.unreadableFrom(s, cursor, 'an entry no longer decodes');
          at = next;
          continue;
        }
        at += e.size;
        if (e.type !== EntryType.Reading) continue;
        if (e.index < cursor) continue;
        cursor = e.index + 1;
        if (e.index >= until) {
          cursor = e.index;
          at -= e.size;
          break;
        }
        if (s.done[e.index - s.first] === 1) continue;
        const r = decodeReading(e.payload);
        out.push({ index: e.index, vehicleId: r.vehicleId, seq: r.seq, json: Buffer.from(r.json) });
        if (out.length >= max) break;
      }
      offset += at;
      if (at === 0) break;
    }
    if (s.hints.size > 8) s.hints.clear();
    s.hints.set(cursor, offset);
    return offset >= s.bytes && s !== this.active ? Math.max(cursor, s.end) : cursor;
  }

  private unreadableFrom(s: Segment, cursor: number, why: string): number {
    const lost: number[] = [];
    for (let i = cursor; i < s.end; i++) if (markDone(s, i)) lost.push(i);
    this.totals.lost += lost.length;
    this.logger.error({ segment: s.path, from: cursor, lost: lost.length }, `spool: ${why}; the rest of the segment is counted as lost`);
    if (lost.length > 0) this.journal.append(toRanges(lost), this.totals);
    return s.end;
  }

  private segmentOf(index: number): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid];
      if (index < s.first) hi = mid - 1;
      else if (index >= s.end) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /** Whether an entry of `size` bytes fits; under drop-oldest it drops whole segments until it does. */
  private makeRoom(size: number): boolean {
    while (this.totalBytes + size > this.options.maxBytes) {
      if (this.options.whenFull === 'block') return false;
      if (this.segments.length === 1 && this.active.end === this.active.first) return true; // nothing left to drop
      if (this.segments[0] === this.active) this.rotate();
      this.dropSegment(this.segments[0]);
    }
    return true;
  }

  private dropSegment(s: Segment): void {
    const dropped = s.end - s.first - s.doneCount;
    this.totals.dropped += dropped;
    this.journal.append([], this.totals);
    this.logger.warn({ segment: s.path, dropped, droppedTotal: this.totals.dropped }, 'spool full: dropped the oldest segment (--when-full drop-oldest)');
    this.unlinkSegment(s);
  }

  private removeSettledSegments(): void {
    let removed = false;
    for (const s of [...this.segments]) {
      if (s !== this.active && isSegmentDone(s)) {
        this.unlinkSegment(s);
        removed = true;
      }
    }
    if (removed && this.journal.wantsCompaction) this.journal.compact(this.doneRanges(), this.totals);
    while (this.roomWaiters.length > 0 && this.totalBytes + this.segmentBytes <= this.options.maxBytes) this.roomWaiters.shift()!();
  }

  private doneRanges(): Range[] {
    const done: number[] = [];
    for (const s of this.segments) for (let i = s.first; i < s.end; i++) if (s.done[i - s.first] === 1) done.push(i);
    return toRanges(done);
  }

  private unlinkSegment(s: Segment): void {
    if (s.readFd !== undefined) closeSync(s.readFd);
    unlinkSync(s.path);
    this.segments.splice(this.segments.indexOf(s), 1);
    this.totalBytes -= s.bytes;
  }

  private rotate(): void {
    if (this.options.fsync !== 'never') fdatasyncSync(this.activeFd);
    closeSync(this.activeFd);
    this.openSegment();
  }

  /** A new segment starts with every vehicle's next seq, so recovery needs only the newest segments. */
  private openSegment(): void {
    const path = join(this.options.dir, segmentName(this.next));
    this.activeFd = openSync(path, 'a');
    const segment: Segment = { first: this.next, path, bytes: 0, end: this.next, done: new Uint8Array(1024), doneCount: 0, hints: new Map() };
    this.segments.push(segment);
    this.active = segment;
    this.write(encodeEntry(EntryType.SegmentHeader, this.next, Buffer.from(JSON.stringify(Object.fromEntries(this.seqs)))));
    if (this.options.fsync !== 'never') {
      fdatasyncSync(this.activeFd);
      syncDirectory(this.options.dir);
    }
  }

  private write(entry: Buffer): void {
    try {
      let written = 0;
      while (written < entry.length) written += writeSync(this.activeFd, entry, written);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      try {
        ftruncateSync(this.activeFd, this.active.bytes); // no half entry left behind
      } catch {
        // recovery cuts a torn tail anyway
      }
      throw new SpoolWriteError(this.options.dir, code, code === 'ENOSPC' ? `disk full (ENOSPC); ${this.stats().pending} spooled readings kept` : (err as Error).message);
    }
    this.active.bytes += entry.length;
    this.totalBytes += entry.length;
  }

  private afterWrite(): void {
    const policy = this.options.fsync;
    if (policy === 'always') fdatasyncSync(this.activeFd);
    else if (typeof policy === 'number' && this.syncTimer === undefined) {
      this.syncTimer = setTimeout(() => {
        this.syncTimer = undefined;
        if (this.closed) return;
        fdatasyncSync(this.activeFd);
        this.journal.sync();
      }, policy);
      this.syncTimer.unref();
    }
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
