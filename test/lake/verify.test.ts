import fc from 'fast-check';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { openLake } from '../../pipeline/lake/query.js';
import { RangeSet } from '../../pipeline/lake/range-set.js';
import { formatTable } from '../../pipeline/lake/table-format.js';
import { verifyLake } from '../../pipeline/lake/verify.js';
import { sampleEvents, type SampleEvent } from './sample-events.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-verify-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function ndjson(rows: object[]): Buffer {
  return gzipSync(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

function enriched(e: SampleEvent) {
  const [type, subtype] = e.event_name.split(':');
  return { ...e, created_datetime: new Date(e.created_at * 1000).toISOString(), event_type: type, event_subtype: subtype ?? null };
}

function errorRecord(e: SampleEvent, errorCode: string) {
  return {
    attemptsMade: 1,
    arrivalTimestamp: 1_767_600_000_000,
    errorCode,
    errorMessage: `${errorCode} happened`,
    attemptEndingTimestamp: 1_767_600_000_100,
    rawData: Buffer.from(JSON.stringify(e)).toString('base64'),
    lambdaArn: 'arn:aws:lambda:us-west-2:000000000000:function:sdfleet-transform:$LATEST',
  };
}

/** Writes a lake of `events` split over event-type folders, plus error objects. */
async function writeLake(name: string, events: SampleEvent[], errors: [SampleEvent, string][] = []): Promise<string> {
  const root = join(dir, name);
  const bucket = new FilesystemBucket(root);
  const byType = new Map<string, SampleEvent[]>();
  for (const e of events) {
    const type = e.event_name.split(':')[0];
    byType.set(type, [...(byType.get(type) ?? []), e]);
  }
  for (const [type, rows] of byType) {
    await bucket.put(`events/event_type=${type}/year=2026/month=01/day=05/hour=08/d-1-2026-01-05-08-00-00-${type}.json.gz`, ndjson(rows.map(enriched)));
  }
  if (errors.length > 0) {
    await bucket.put(`errors/processing-failed/year=2026/month=01/day=05/hour=08/d-1-x.json.gz`, ndjson(errors.map(([e, code]) => errorRecord(e, code))));
  }
  return root;
}

describe('lake verify', () => {
  const events = sampleEvents(4, 25, 21); // 100 events, seq 1..25 per vehicle

  it('reports a complete lake as ok', async () => {
    const report = await verifyLake(await writeLake('complete', events));
    expect(report).toMatchObject({ delivered: 100, uniqueEvents: 100, duplicates: 0, vehicles: 4, missing: 0, processingFailed: 0, ok: true });
  });

  it('finds injected gaps, duplicates and processing failures', async () => {
    const gone = (e: SampleEvent) => (e.vehicle_id === 'veh-0001' && (e.seq === 3 || e.seq === 4)) || (e.vehicle_id === 'veh-0002' && e.seq === 1);
    const failed = events.filter((e) => e.vehicle_id === 'veh-0003' && e.seq >= 10 && e.seq < 13);
    const kept = events.filter((e) => !gone(e) && !failed.includes(e));
    const root = await writeLake('broken', [...kept, kept[0], kept[5], kept[5]], failed.map((e, i) => [e, i === 0 ? 'InvalidJson' : 'Lambda.FunctionError']));
    const report = await verifyLake(root);
    expect(report.delivered).toBe(kept.length + 3);
    expect(report.duplicates).toBe(3);
    expect(report.duplicateExamples[0]).toEqual({ eventUuid: kept[5].event_uuid, copies: 3 });
    expect(report.missing).toBe(3);
    expect(report.missingByVehicle).toEqual([
      { vehicleId: 'veh-0001', seqs: [[3, 4]] },
      { vehicleId: 'veh-0002', seqs: [[1, 1]] },
    ]);
    expect(report.processingFailed).toBe(3);
    expect(report.failuresByReason).toEqual([
      { outputType: 'processing-failed', errorCode: 'Lambda.FunctionError', count: 2, example: 'Lambda.FunctionError happened' },
      { outputType: 'processing-failed', errorCode: 'InvalidJson', count: 1, example: 'InvalidJson happened' },
    ]);
    expect(report.ok).toBe(false);
  });

  it('reconciles with the producer ledger: acked-but-absent is missing, producer failures are not', async () => {
    const lost = (e: SampleEvent) => e.vehicle_id === 'veh-0000' && e.seq >= 20; // tail loss: invisible without acks
    const producerFailed = (e: SampleEvent) => e.vehicle_id === 'veh-0001' && e.seq === 7;
    const root = await writeLake('ledger', events.filter((e) => !lost(e) && !producerFailed(e)));
    const ledger = new AckLedger();
    for (const e of events) {
      if (producerFailed(e)) ledger.failed(e.vehicle_id, e.seq, 'RecordTtlExpired');
      else ledger.acked(e.vehicle_id, e.seq);
    }
    ledger.dropped('veh-0009', 1, 'shutdown');
    ledger.failed('veh-0002', 3, 'RequestTimeout'); // the producer gave up, but the stream had accepted it

    const without = await verifyLake(root);
    expect(without.missingByVehicle).toEqual([{ vehicleId: 'veh-0001', seqs: [[7, 7]] }]); // a gap, but the tail loss is invisible

    const report = await verifyLake(root, ledger);
    expect(report.missing).toBe(6);
    expect(report.missingByVehicle).toEqual([{ vehicleId: 'veh-0000', seqs: [[20, 25]] }]);
    expect(report.producer).toEqual({
      acked: 99,
      failed: 2,
      dropped: 1,
      failedAbsent: [{ reason: 'RecordTtlExpired', count: 1 }],
      droppedAbsent: [{ reason: 'shutdown', count: 1 }],
      ackedPresent: 93,
      failedPresent: 1,
      droppedPresent: 0,
    });
  });

  it('handles an empty lake', async () => {
    await mkdir(join(dir, 'empty'));
    const report = await verifyLake(join(dir, 'empty'));
    expect(report).toMatchObject({ delivered: 0, missing: 0, ok: true, reasons: [] });
  });

  it('never calls a lake that does not exist OK', async () => {
    const report = await verifyLake(join(dir, 'no-such-lake'));
    expect(report).toMatchObject({ delivered: 0, missing: 0, ok: false, reasons: [`the lake ${join(dir, 'no-such-lake')} does not exist`] });
  });

  it('fails the verdict on processing failures unless they are allowed', async () => {
    const failed = events.filter((e) => e.seq === 25); // the last seq of each vehicle: not a gap, only a failure
    const root = await writeLake('failures', events.filter((e) => e.seq < 25), failed.map((e) => [e, 'InvalidField']));
    const report = await verifyLake(root);
    expect(report).toMatchObject({ missing: 0, processingFailed: 4, ok: false });
    expect(report.reasons).toEqual(['4 records ended in the error output (processing failures; --allow-failures accepts them)']);
    expect(await verifyLake(root, undefined, { allowFailures: true })).toMatchObject({ processingFailed: 4, ok: true, reasons: [] });
  });
});

describe('unreadable lake objects', () => {
  it('are named, skipped and counted by verify and query, and spoil the verdict', async () => {
    const events = sampleEvents(4, 25, 23);
    const root = await writeLake('corrupt', events);
    const extra = sampleEvents(6, 3, 24).filter((e) => e.vehicle_id === 'veh-0005'); // seq 1..3 of one more vehicle
    const part = 'events/event_type=vehicle/year=2026/month=01/day=05/hour=08';
    const good = ndjson(extra.map(enriched));
    // A real Parquet object, written by DuckDB, and a truncated copy of it.
    await writeFile(join(dir, 'extra.json.gz'), good);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(`COPY (SELECT * FROM read_json_auto('${join(dir, 'extra.json.gz')}')) TO '${join(dir, 'extra.parquet')}' (FORMAT parquet)`);
    connection.closeSync();
    db.closeSync();
    const parquet = await readFile(join(dir, 'extra.parquet'));

    const bucket = new FilesystemBucket(root);
    await bucket.put(`${part}/good.parquet`, parquet);
    const bad: [string, Uint8Array, RegExp][] = [
      [`${part}/not-gzip.json.gz`, Buffer.from('this is not gzip'), /neither GZIP NDJSON nor Parquet/],
      [`${part}/empty.json.gz`, Buffer.alloc(0), /neither GZIP NDJSON nor Parquet/],
      [`${part}/truncated.json.gz`, good.subarray(0, good.length - 20), /^gzip: unexpected end of file/],
      [`${part}/garbage.json.gz`, gzipSync(`${JSON.stringify(enriched(extra[0]))}\n{"event_uuid": nope\n`), /Malformed JSON/],
      // Past DuckDB's schema sample (20,480 rows), so only a full read finds it.
      [`${part}/garbage-late.json.gz`, gzipSync(`${`${JSON.stringify(enriched(extra[1]))}\n`.repeat(21_000)}not json\n`), /Malformed JSON/],
      [`${part}/deep.json.gz`, gzipSync(`{"event_uuid":"x","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`), /JSON nests deeper than 100 levels/],
      [`${part}/truncated.parquet`, parquet.subarray(0, parquet.length - 10), /Parquet: truncated/],
      ['errors/processing-failed/year=2026/month=01/day=05/hour=08/truncated.json.gz', good.subarray(0, 30), /^gzip: unexpected end of file/],
    ];
    for (const [key, body] of bad) await bucket.put(key, body);

    const report = await verifyLake(root);
    expect(report).toMatchObject({ delivered: 103, vehicles: 5, missing: 0, processingFailed: 0, unreadable: bad.length, ok: false });
    expect(report.reasons).toEqual([`${bad.length} lake objects are unreadable, so their records were not counted`]);
    expect(report.unreadableObjects.map((o) => o.key).sort()).toEqual(bad.map(([key]) => key).sort());
    for (const [key, , reason] of bad) expect(report.unreadableObjects.find((o) => o.key === key)?.reason, key).toMatch(reason);

    const lake = await openLake(root);
    try {
      expect((await lake.query('SELECT count(*) AS n, count(DISTINCT vehicle_id) AS v FROM events')).rows).toEqual([[103, 5]]);
      expect((await lake.query('SELECT count(*) FROM errors')).rows).toEqual([[0]]);
      expect(lake.files.unreadable.map((o) => o.key).sort()).toEqual(bad.map(([key]) => key).sort());
    } finally {
      lake.close();
    }
  });
});

describe('lake query', () => {
  it('returns BIGINT values as JSON numbers, and as strings only beyond 2^53', async () => {
    const lake = await openLake(await writeLake('bigint', sampleEvents(2, 3, 25)));
    try {
      const result = await lake.query(
        `SELECT count(*) AS n, sum(seq) AS total, 9007199254740991::BIGINT AS safe, 9007199254740993::BIGINT AS beyond, [count(*)] AS list, -5::HUGEINT AS huge FROM events`,
      );
      expect(result.rows).toEqual([[6, 12, 9007199254740991, '9007199254740993', [6], -5]]);
    } finally {
      lake.close();
    }
  });

  it('exposes events with hive partition columns and errors with decoded keys', async () => {
    const events = sampleEvents(2, 5, 22);
    const root = await writeLake('query', events.slice(1), [[events[0], 'InvalidField']]);
    const lake = await openLake(root);
    try {
      const byType = await lake.query(`SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1`);
      expect(byType.columns).toEqual(['event_type', 'n']);
      expect(byType.rows.reduce((s, r) => s + Number(r[1]), 0)).toBe(9);
      const hive = await lake.query(`SELECT DISTINCT year, month, day, hour FROM events`);
      expect(hive.rows.map((r) => r.map(String))).toEqual([['2026', '01', '05', '08']]);
      const errors = await lake.query(`SELECT error_output_type, errorCode, vehicle_id, seq, event_uuid FROM errors`);
      expect(errors.rows).toEqual([['processing-failed', 'InvalidField', events[0].vehicle_id, events[0].seq, events[0].event_uuid]]);
      await expect(lake.query('SELECT nope FROM events')).rejects.toThrow(/^sql: .*nope/);
      expect(formatTable(byType.columns, byType.rows)).toMatch(/^event_type │ n\n─+─┼──+\n/);
    } finally {
      lake.close();
    }
  });
});

describe('ack ledger', () => {
  it('stays compact per vehicle and round-trips through a file', async () => {
    const ledger = new AckLedger();
    for (let seq = 1; seq <= 100_000; seq++) if (seq !== 500) ledger.acked('veh-1', seq);
    ledger.failed('veh-1', 500, 'ProvisionedThroughputExceeded');
    expect(ledger.toJSON().vehicles['veh-1'].acked).toEqual([
      [1, 499],
      [501, 100_000],
    ]);
    const path = join(dir, 'acks', 'acks.json');
    await ledger.save(path);
    const loaded = await AckLedger.load(path);
    expect(loaded.toJSON()).toEqual(ledger.toJSON());
    expect(loaded.outcomeOf('veh-1', 500)).toEqual({ outcome: 'failed', reason: 'ProvisionedThroughputExceeded' });
    expect(loaded.outcomeOf('veh-1', 100_001)).toBeUndefined();
  });

  it('names the file and the bad field when a ledger is malformed', async () => {
    const path = join(dir, 'bad-acks.json');
    await writeFile(path, JSON.stringify({ format: 'sdfleet-acks/1', vehicles: { v: { acked: [[1, 'x']] } } }));
    await expect(AckLedger.load(path)).rejects.toThrow(/acks vehicles\.v\.acked\.0\.1: .*bad-acks\.json/);
    await expect(AckLedger.load(join(dir, 'none.json'))).rejects.toThrow(/acks: cannot be read/);
  });

  it('refuses a range that runs backwards or past 2^53, naming the file and the range', async () => {
    const path = join(dir, 'backwards-acks.json');
    await writeFile(path, JSON.stringify({ format: 'sdfleet-acks/1', vehicles: { v: { acked: [[1, 2], [5, 1]] } } }));
    await expect(AckLedger.load(path)).rejects.toThrow(/^acks vehicles\.v\.acked\.1: range \[5, 1\] ends before it starts \(got ".*backwards-acks\.json"\)$/);
    await writeFile(path, JSON.stringify({ format: 'sdfleet-acks/1', vehicles: { v: { failed: { X: [[1, 2 ** 53]] } } } }));
    await expect(AckLedger.load(path)).rejects.toThrow(/^acks vehicles\.v\.failed\.X\.0\.1: .*backwards-acks\.json/);
  });

  it('reconciles an absurd range by arithmetic, not one seq at a time', async () => {
    const root = await writeLake('absurd', sampleEvents(4, 25, 26));
    const path = join(dir, 'absurd-acks.json');
    const max = Number.MAX_SAFE_INTEGER;
    await writeFile(path, JSON.stringify({ format: 'sdfleet-acks/1', vehicles: { 'veh-0000': { acked: [[1, max]] }, 'veh-0001': { dropped: { shutdown: [[26, max]] } } } }));
    const report = await verifyLake(root, await AckLedger.load(path));
    expect(report.missing).toBe(max - 25);
    expect(report.missingByVehicle).toEqual([{ vehicleId: 'veh-0000', seqs: [[26, max]] }]);
    expect(report.producer?.droppedAbsent).toEqual([{ reason: 'shutdown', count: max - 25 }]);
  });

  it('merges several ledgers (one per worker); acked in any of them counts as acked', async () => {
    const root = await writeLake('workers', sampleEvents(3, 25, 27));
    const a = new AckLedger();
    const b = new AckLedger();
    for (let seq = 1; seq <= 30; seq++) a.acked('veh-0000', seq);
    a.failed('veh-0001', 26, 'RecordTtlExpired');
    b.failed('veh-0000', 30, 'RequestTimeout'); // acked by worker a: still missing, not a producer failure
    for (let seq = 1; seq <= 25; seq++) b.acked('veh-0001', seq);
    b.dropped('veh-0002', 26, 'shutdown');
    b.dropped('veh-0002', 27, 'shutdown');

    const report = await verifyLake(root, AckLedger.merge([a, b]));
    expect(report.missingByVehicle).toEqual([{ vehicleId: 'veh-0000', seqs: [[26, 30]] }]);
    expect(report.producer).toMatchObject({
      failedAbsent: [{ reason: 'RecordTtlExpired', count: 1 }],
      droppedAbsent: [{ reason: 'shutdown', count: 2 }],
    });
    expect(AckLedger.merge([b, a]).toJSON()).toEqual(AckLedger.merge([a, b]).toJSON());
  });

  it('intersects and subtracts range sets exactly like plain sets (property)', () => {
    const ranges = fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 8 })).map(([a, n]): [number, number] => [a, a + n]), { maxLength: 8 });
    const members = (set: RangeSet) => Array.from({ length: 80 }, (_, i) => i).filter((n) => set.has(n));
    fc.assert(
      fc.property(ranges, ranges, (x, y) => {
        const a = new RangeSet(x);
        const b = new RangeSet(y);
        expect(members(a.intersect(b))).toEqual(members(a).filter((n) => b.has(n)));
        expect(members(a.subtract(b))).toEqual(members(a).filter((n) => !b.has(n)));
        expect(a.intersect(b).toJSON()).toEqual(new RangeSet(a.intersect(b).toJSON()).toJSON()); // stays normalised
        expect(a.subtract(b).toJSON()).toEqual(new RangeSet(a.subtract(b).toJSON()).toJSON());
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('merges out-of-order ranges', () => {
    const set = new RangeSet();
    for (const n of [5, 1, 3, 2, 9, 4, 10, 8]) set.add(n);
    expect(set.toJSON()).toEqual([
      [1, 5],
      [8, 10],
    ]);
    expect(set.countWithin(4, 9)).toBe(4);
    expect(set.has(6)).toBe(false);
  });
});
