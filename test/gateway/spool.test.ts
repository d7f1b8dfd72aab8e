// The spool on a real filesystem: recovery from torn and corrupt segments, foreign files, and the
// size bound under each policy, with counts that reconcile.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool, SpoolWriteError, type SpoolOptions, type SpooledReading } from '../../gateway/spool.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdfleet-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const options = (over: Partial<SpoolOptions> = {}): SpoolOptions => ({ dir, fsync: 'never', maxBytes: 64 * 1024 * 1024, whenFull: 'block', segmentBytes: 16 * 1024, ...over });
const event = (vehicle: string, seq: number) => JSON.stringify({ event_uuid: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, event_name: 'vehicle:telemetry', created_at: 1772552700 + seq, vehicle_id: vehicle, seq, speed_kmh: 42.5 });

function fill(spool: Spool, n: number, vehicles = 3): void {
  for (let i = 0; i < n; i++) {
    const vehicle = `V${i % vehicles}`;
    void spool.append(vehicle, spool.nextSeq(vehicle), event(vehicle, spool.nextSeq(vehicle)));
  }
}

function readAll(spool: Spool): SpooledReading[] {
  return spool.read(0, spool.nextIndex, Number.MAX_SAFE_INTEGER).readings;
}

const segments = () => readdirSync(dir).filter((f) => f.endsWith('.spool')).sort();

describe('spool', () => {
  it('keeps readings across a restart until they are acknowledged, then deletes whole segments', () => {
    const spool = Spool.open(options());
    fill(spool, 500);
    expect(segments().length).toBeGreaterThan(3);
    spool.ack(readAll(spool).slice(0, 300).map((r) => r.index));
    spool.close();

    const again = Spool.open(options());
    expect(again.recovery).toMatchObject({ pending: 200, lostReadings: 0, foreign: [], unreadable: [] });
    const left = readAll(again);
    expect(left.map((r) => r.index)).toEqual(Array.from({ length: 200 }, (_, k) => 300 + k));
    expect(again.nextSeq('V0')).toBe(168); // 167 readings of V0 so far
    again.ack(left.map((r) => r.index));
    expect(again.stats()).toMatchObject({ accepted: 500, pending: 0, acked: 500, dropped: 0, lost: 0 });
    expect(segments().length).toBe(1); // only the active segment stays
    again.close();
  });

  it('recovers the valid prefix of a truncated final segment and reports the torn bytes', () => {
    const spool = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    fill(spool, 100);
    spool.close();
    const [only] = segments();
    const size = statSync(join(dir, only)).size;
    truncateSync(join(dir, only), size - 37); // a crash in the middle of the last write

    const again = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    expect(again.recovery.truncatedTailBytes).toBeGreaterThan(0);
    expect(again.recovery.pending).toBe(99);
    expect(readAll(again).map((r) => JSON.parse(r.json.toString()).seq as number).slice(-1)[0]).toBe(33); // V0's 34th reading was the torn one
    fill(again, 1); // appending continues right after the valid prefix
    again.close();
    const third = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    expect(third.recovery).toMatchObject({ pending: 100, truncatedTailBytes: 0, lostReadings: 0 });
    third.close();
  });

  it('skips one entry with a flipped byte mid-segment, counts it lost, and keeps every other reading', () => {
    const spool = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    fill(spool, 100);
    spool.close();
    const path = join(dir, segments()[0]);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)] ^= 0x40;
    writeFileSync(path, bytes);

    const again = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    expect(again.recovery, JSON.stringify(again.recovery)).toMatchObject({ lostReadings: 1, pending: 99 });
    expect(again.recovery.lostBytes).toBeGreaterThan(0);
    expect(readAll(again)).toHaveLength(99);
    expect(again.stats().lost).toBe(1);
    again.close();
    expect(Spool.open(options()).recovery.lostReadings).toBe(0); // counted once, not at every start
  });

  it('reports foreign and unreadable files and leaves them alone', () => {
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const spool = Spool.open(options());
    fill(spool, 10);
    spool.close();
    rmSync(join(dir, segments()[0]));
    writeFileSync(join(dir, 'seg-0000000000000000.spool'), ''); // our name, but we did not write it
    const again = Spool.open(options());
    expect(again.recovery.foreign).toEqual(['notes.txt']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    again.close();
  });

  it('drop-oldest: a full spool drops whole oldest segments and counts every reading dropped', () => {
    const spool = Spool.open(options({ maxBytes: 64 * 1024, whenFull: 'drop-oldest' }));
    fill(spool, 2000);
    const s = spool.stats();
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(s.accepted).toBe(2000);
    expect(s.acked + s.pending + s.dropped + s.lost).toBe(s.accepted);
    // What is left is the newest, oldest first.
    const left = readAll(spool).map((r) => r.index);
    expect(left[left.length - 1]).toBe(1999);
    expect(left).toEqual([...left].sort((a, b) => a - b));
    spool.close();
    const again = Spool.open(options({ maxBytes: 64 * 1024, whenFull: 'drop-oldest' }));
    expect(again.stats().dropped).toBe(s.dropped); // the count survives a restart
    again.close();
  });

  it('block: a full spool holds the appender until acknowledgements free a segment; nothing is dropped', async () => {
    const spool = Spool.open(options({ maxBytes: 64 * 1024, whenFull: 'block' }));
    let accepted = 0;
    let blocked: Promise<void> | undefined;
    for (let i = 0; i < 2000 && !blocked; i++) {
      const pending = spool.append('V1', i + 1, event('V1', i + 1));
      if (pending) blocked = pending;
      else accepted++;
    }
    expect(blocked).toBeDefined();
    let released = false;
    void blocked!.then(() => (released = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    spool.ack(spool.read(0, spool.nextIndex, 200).readings.map((r) => r.index));
    await blocked;
    expect(released).toBe(true);
    const s = spool.stats();
    expect(s.accepted).toBe(accepted + 1);
    expect(s.dropped).toBe(0);
    expect(s.acked + s.pending + s.dropped + s.lost).toBe(s.accepted);
    spool.close();
  });
});

describe('spool on a full disk', () => {
  it('fails loudly with ENOSPC and keeps what was spooled', () => {
    const spool = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    fill(spool, 500);
    spool.close();
    const kept = readFileSync(join(dir, 'seg-0000000000000000.spool'));
    // The next segment lands on /dev/full, which answers every write with ENOSPC.
    symlinkSync('/dev/full', join(dir, 'seg-0000000000000500.spool'));
    let error: unknown;
    try {
      Spool.open(options({ segmentBytes: 64 * 1024 })); // the old segment is full: the next one is opened
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpoolWriteError);
    expect((error as SpoolWriteError).code).toBe('ENOSPC');
    expect((error as Error).message).toMatch(/disk full \(ENOSPC\)/);
    expect(readFileSync(join(dir, 'seg-0000000000000000.spool')).equals(kept)).toBe(true);
    const again = Spool.open(options({ segmentBytes: 1024 * 1024 }));
    expect(again.stats().pending).toBe(500);
    again.close();
  });
});
