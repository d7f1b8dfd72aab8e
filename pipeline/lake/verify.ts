import { existsSync } from 'node:fs';
import type { AckLedger } from './acks.js';
import type { UnreadableObject } from './lake-files.js';
import { keepReadable, ndjsonDeliveredColumns, openLake, parquetEventsSource } from './query.js';
import { RangeSet, type Range } from './range-set.js';

export interface VerifyReport {
  /** Event rows in the lake (duplicates included). */
  delivered: number;
  uniqueEvents: number;
  /** Extra copies by event_uuid (at-least-once delivery makes some after restarts). */
  duplicates: number;
  duplicateExamples: { eventUuid: string; copies: number }[];
  vehicles: number;
  /** Delivered rows without a usable vehicle_id / seq: they cannot be checked for gaps. */
  unkeyed: number;
  /** Records in the error output, by output type and error code. */
  processingFailed: number;
  failuresByReason: { outputType: string; errorCode: string; count: number; example: string }[];
  /** Expected but in neither the events nor the error output. */
  missing: number;
  missingByVehicle: { vehicleId: string; seqs: Range[] }[];
  /** Present only when a ledger was given. */
  producer?: {
    acked: number;
    failed: number;
    dropped: number;
    /** Gaps the ledger explains: the producer failed or dropped them, so they are not missing. */
    failedAbsent: { reason: string; count: number }[];
    droppedAbsent: { reason: string; count: number }[];
    /** Acked records found in the lake or the error output. */
    ackedPresent: number;
    /** Failed or dropped by the producer, yet in the lake (e.g. accepted after the producer timed out). */
    failedPresent: number;
    droppedPresent: number;
  };
  /** Lake objects that could not be read (named, skipped); their records are not counted. */
  unreadable: number;
  unreadableObjects: UnreadableObject[];
  /** OK: the lake exists and was read, nothing missing, no processing failures (unless allowed), nothing unreadable. */
  ok: boolean;
  /** Why the verdict is not OK, one sentence each; empty when OK. */
  reasons: string[];
}

export interface VerifyOptions {
  /** Records in the error output do not spoil the verdict (they are still counted and listed). */
  allowFailures?: boolean;
}

const EXAMPLES = 10;

/**
 * Reconciles a lake folder: counts, duplicates by event_uuid, gaps in each vehicle's seq (1..max
 * seen, plus everything the producer acked), and processing failures. A record in the error
 * output is accounted for (a failure, reported by reason), not missing. With a ledger, gaps the
 * producer itself failed or dropped are reported as such; everything else absent is MISSING.
 */
export async function verifyLake(root: string, ledger?: AckLedger, options: VerifyOptions = {}): Promise<VerifyReport> {
  const found = existsSync(root);
  const lake = await openLake(root);
  try {
    const one = async (sql: string) => (await lake.query(sql)).rows;
    await loadDelivered(lake);
    const [[delivered, withUuid, unique, unkeyed]] = await one(
      `SELECT count(*), count(event_uuid), count(DISTINCT event_uuid), count(*) FILTER (WHERE vehicle_id IS NULL OR seq IS NULL) FROM delivered`,
    );
    const duplicateExamples = (
      await one(`SELECT event_uuid, count(*) AS n FROM delivered WHERE event_uuid IS NOT NULL GROUP BY 1 HAVING n > 1 ORDER BY n DESC, 1 LIMIT ${EXAMPLES}`)
    ).map(([eventUuid, copies]) => ({ eventUuid: String(eventUuid), copies: Number(copies) }));
    const failuresByReason = (
      await one(`SELECT error_output_type, errorCode, count(*), any_value(errorMessage) FROM errors GROUP BY ALL ORDER BY 3 DESC, 1, 2`)
    ).map(([outputType, errorCode, count, example]) => ({ outputType: String(outputType), errorCode: String(errorCode), count: Number(count), example: String(example) }));

    await lake.connection.run(
      `CREATE TEMP TABLE present AS
         SELECT DISTINCT vehicle_id, seq FROM delivered WHERE vehicle_id IS NOT NULL AND seq IS NOT NULL
         UNION SELECT vehicle_id, seq FROM errors WHERE vehicle_id IS NOT NULL AND seq IS NOT NULL`,
    );
    // Gaps as ranges, computed in DuckDB so a million events never cross into JS one by one.
    const gapRows = await one(
      `SELECT vehicle_id, prev + 1, seq - 1 FROM (
         SELECT vehicle_id, seq, coalesce(lag(seq) OVER (PARTITION BY vehicle_id ORDER BY seq), 0) AS prev FROM present
       ) WHERE seq > prev + 1`,
    );
    const maxRows = await one(`SELECT vehicle_id, max(seq) FROM present GROUP BY 1`);

    const absent = new Map<string, RangeSet>();
    const absentSet = (id: string) => absent.get(id) ?? absent.set(id, new RangeSet()).get(id)!;
    for (const [vehicleId, first, last] of gapRows) absentSet(String(vehicleId)).addRange(Number(first), Number(last));
    const maxSeq = new Map(maxRows.map(([id, max]) => [String(id), Number(max)]));

    if (ledger) {
      // What the ledger knows beyond the last seq seen (or for vehicles never seen) is absent too.
      for (const vehicleId of ledger.vehicleIds()) {
        const max = maxSeq.get(vehicleId) ?? 0;
        for (const [first, last] of ledger.recordedRanges(vehicleId)) {
          if (last > max) absentSet(vehicleId).addRange(Math.max(first, max + 1), last);
        }
      }
    }

    const failedAbsent = new Map<string, number>();
    const droppedAbsent = new Map<string, number>();
    const missingByVehicle: VerifyReport['missingByVehicle'] = [];
    let missing = 0;
    let ackedMissing = 0;
    for (const vehicleId of [...absent.keys()].sort()) {
      const seqs = absent.get(vehicleId)!;
      let lost = seqs;
      if (ledger) {
        const known = ledger.explain(vehicleId, seqs);
        addCounts(failedAbsent, known.failed);
        addCounts(droppedAbsent, known.dropped);
        ackedMissing += known.acked.size;
        lost = known.unknown;
        for (const [first, last] of known.acked.toJSON()) lost.addRange(first, last);
      }
      if (lost.size > 0) {
        missing += lost.size;
        missingByVehicle.push({ vehicleId, seqs: lost.toJSON() });
      }
    }

    const processingFailed = failuresByReason.reduce((sum, r) => sum + r.count, 0);
    const report: VerifyReport = {
      delivered: Number(delivered),
      uniqueEvents: Number(unique),
      duplicates: Number(withUuid) - Number(unique),
      duplicateExamples,
      vehicles: maxSeq.size,
      unkeyed: Number(unkeyed),
      processingFailed,
      failuresByReason,
      missing,
      missingByVehicle,
      unreadable: lake.files.unreadable.length,
      unreadableObjects: lake.files.unreadable,
      ok: false,
      reasons: [],
    };
    report.reasons = verdictReasons(report, root, found, options);
    report.ok = report.reasons.length === 0;
    if (ledger) {
      const totals = ledger.totals();
      report.producer = {
        ...totals,
        failedAbsent: [...failedAbsent].map(([reason, count]) => ({ reason, count })),
        droppedAbsent: [...droppedAbsent].map(([reason, count]) => ({ reason, count })),
        // Every seq the ledger recorded is either present or absent (and absent ones were classified above).
        ackedPresent: totals.acked - ackedMissing,
        failedPresent: totals.failed - sum(failedAbsent.values()),
        droppedPresent: totals.dropped - sum(droppedAbsent.values()),
      };
    }
    return report;
  } finally {
    lake.close();
  }
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/**
 * The delivered events, reduced to what verify needs. One read over every object; if DuckDB
 * fails on one, each is read alone so that only the bad ones are set aside (and named).
 */
async function loadDelivered(lake: Awaited<ReturnType<typeof openLake>>): Promise<void> {
  const { connection, files } = lake;
  await connection.run(`CREATE TEMP TABLE delivered (event_uuid VARCHAR, vehicle_id VARCHAR, seq BIGINT)`);
  // Explicit columns for NDJSON: no schema detection, and a file without a field reads it as NULL.
  const fromNdjson = (paths: string[]) =>
    `INSERT INTO delivered SELECT event_uuid, vehicle_id, TRY_CAST(seq AS BIGINT) FROM ${ndjsonDeliveredColumns(paths)}`;
  const fromParquet = (paths: string[]) =>
    `INSERT INTO delivered BY NAME SELECT COLUMNS(c -> c IN ('event_uuid', 'vehicle_id', 'seq')) FROM ${parquetEventsSource(paths)}`;
  for (const [paths, sql] of [
    [files.eventsNdjson, fromNdjson],
    [files.eventsParquet, fromParquet],
  ] as const) {
    if (paths.length === 0) continue;
    try {
      await connection.run(sql(paths));
    } catch {
      // A failed INSERT inserts nothing, so reading each object again counts each once.
      await keepReadable(connection, files, paths, sql);
    }
  }
}

function verdictReasons(r: VerifyReport, root: string, found: boolean, options: VerifyOptions): string[] {
  const reasons: string[] = [];
  if (!found) reasons.push(`the lake ${root} does not exist`);
  if (r.missing > 0) reasons.push(`${r.missing} record${r.missing === 1 ? ' is' : 's are'} missing`);
  if (r.processingFailed > 0 && !options.allowFailures) {
    reasons.push(`${r.processingFailed} record${r.processingFailed === 1 ? '' : 's'} ended in the error output (processing failures; --allow-failures accepts them)`);
  }
  if (r.unreadable > 0) reasons.push(`${r.unreadable} lake object${r.unreadable === 1 ? ' is' : 's are'} unreadable, so ${r.unreadable === 1 ? 'its' : 'their'} records were not counted`);
  return reasons;
}

function addCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [key, n] of from) into.set(key, (into.get(key) ?? 0) + n);
}
