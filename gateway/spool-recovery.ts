// Rebuilds the spool's index from its directory after any stop, clean or not: which segments
// exist, which readings in them are still owed to the transport, where appending continues, and
// each vehicle's next seq. What does not decode is reported and counted, never silently dropped.
import { closeSync, constants, openSync, readdirSync, readFileSync, statSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { ACK_JOURNAL, readAckJournal, type Totals } from './spool-acks.js';
import { EntryType, decodeReading, scanEntries } from './spool-segment.js';

const SEGMENT_NAME = /^seg-(\d{16})\.spool$/;

export function segmentName(first: number): string {
  return `seg-${String(first).padStart(16, '0')}.spool`;
}

/** In-memory index of one segment file: a done-bit per index it covers. */
export interface SegmentState {
  first: number;
  path: string;
  bytes: number;
  /** One past the highest index it holds. */
  end: number;
  done: Uint8Array;
  doneCount: number;
}

export function isSegmentDone(s: SegmentState): boolean {
  return s.doneCount >= s.end - s.first;
}

export function markDone(s: SegmentState, index: number): boolean {
  const at = index - s.first;
  if (at < 0 || index >= s.end || s.done[at] === 1) return false;
  s.done[at] = 1;
  s.doneCount++;
  return true;
}

export interface RecoveryReport {
  segments: number;
  /** Readings found still waiting for the transport. */
  pending: number;
  /** Readings that did not decode (CRC mismatch, torn write) and are lost. */
  lostReadings: number;
  lostBytes: number;
  /** The last segment ended in a partial entry (a crash mid-write); it was cut back to the valid prefix. */
  truncatedTailBytes: number;
  /** Files in the spool directory that are not the spool's, left alone. */
  foreign: string[];
  /** Spool files that could not be read, left alone and ignored. */
  unreadable: { file: string; reason: string }[];
}

export interface RecoveredSpool {
  segments: SegmentState[];
  nextIndex: number;
  nextSeq: Map<string, number>;
  totals: Totals;
  report: RecoveryReport;
  /** Indices found lost this time; the spool journals them so the next recovery does not count them again. */
  lost: number[];
}

export function recoverSpool(dir: string): RecoveredSpool {
  const report: RecoveryReport = { segments: 0, pending: 0, lostReadings: 0, lostBytes: 0, truncatedTailBytes: 0, foreign: [], unreadable: [] };
  const firsts: number[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = SEGMENT_NAME.exec(name);
    if (m) firsts.push(Number(m[1]));
    else if (name !== ACK_JOURNAL && name !== `${ACK_JOURNAL}.tmp`) report.foreign.push(name);
  }
  const journal = readAckJournal(dir);
  const totals = { ...journal.totals };
  const segments: SegmentState[] = [];
  const nextSeq = new Map<string, number>();
  const presence: Uint8Array[] = [];
  let nextIndex = 0;
  firsts.sort((a, b) => a - b);
  for (let k = 0; k < firsts.length; k++) {
    const first = firsts[k];
    const path = join(dir, segmentName(first));
    let buf: Buffer;
    try {
      if (!statSync(path).isFile()) throw new Error('not a regular file');
      buf = readFileSync(path);
    } catch (err) {
      report.unreadable.push({ file: segmentName(first), reason: (err as Error).message });
      continue;
    }
    const last = k === firsts.length - 1;
    const scan = scanEntries(buf);
    let end = first;
    const readings: number[] = [];
    for (const e of scan.entries) {
      if (e.type === EntryType.SegmentHeader) {
        // Each segment starts with every vehicle's next seq as of its creation; later readings advance it.
        for (const [vehicle, seq] of Object.entries(JSON.parse(e.payload.toString('utf8')) as Record<string, number>)) nextSeq.set(vehicle, seq);
      } else if (e.type === EntryType.Reading) {
        // The next segment's header snapshots every vehicle's next seq: only the last one needs decoding.
        if (last) {
          const r = decodeReading(e.payload);
          if (r.seq + 1 > (nextSeq.get(r.vehicleId) ?? 1)) nextSeq.set(r.vehicleId, r.seq + 1);
        }
        readings.push(e.index);
        end = Math.max(end, e.index + 1);
      }
    }
    // The next segment's name says where this one ended, so readings lost at its tail are counted too.
    if (!last) end = Math.max(end, firsts[k + 1]);
    const span = end - first;
    const present = new Uint8Array(span);
    for (const i of readings) present[i - first] = 1;
    presence.push(present);
    report.lostBytes += scan.corrupt.reduce((n, c) => n + c.bytes, 0);
    let bytes = buf.length;
    if (scan.tornTailBytes > 0) {
      report.lostBytes += scan.tornTailBytes;
      if (last) {
        report.truncatedTailBytes = scan.tornTailBytes;
        cutTail(path, scan.validEnd);
        bytes = scan.validEnd;
      }
    }
    segments.push({ first, path, bytes, end, done: new Uint8Array(Math.max(span, 1024)), doneCount: 0 });
    nextIndex = Math.max(nextIndex, end);
  }
  for (const [from, to] of journal.ranges) {
    for (const s of segments) {
      if (s.end <= from || s.first > to) continue;
      for (let i = Math.max(from, s.first); i <= Math.min(to, s.end - 1); i++) markDone(s, i);
    }
  }
  const lost: number[] = [];
  // What is owed but no longer decodes is lost: counted once, then treated as settled.
  segments.forEach((s, k) => {
    for (let at = 0; at < s.end - s.first; at++) {
      if (presence[k][at] === 0 && markDone(s, s.first + at)) lost.push(s.first + at);
    }
  });
  report.lostReadings = lost.length;
  totals.lost += lost.length;
  report.segments = segments.length;
  report.pending = segments.reduce((n, s) => n + (s.end - s.first - s.doneCount), 0);
  return { segments, nextIndex, nextSeq, totals, report, lost };
}

function cutTail(path: string, length: number): void {
  const fd = openSync(path, constants.O_WRONLY);
  try {
    ftruncateSync(fd, length);
  } finally {
    closeSync(fd);
  }
}
