import type { AckLedger } from './acks.js';
import { openLake } from './query.js';
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
  ok: boolean;
}

const EXAMPLES = 10;

/**
 * Reconciles a lake folder: counts, duplicates by event_uuid, gaps in each vehicle's seq (1..max
 * seen, plus everything the producer acked), and processing failures. A record in the error
 * output is accounted for (a failure, reported by reason), not missing. With a ledger, gaps the
 * producer itself failed or dropped are reported as such; everything else absent is MISSING.
 */
export async function verifyLake(root: string, ledger?: AckLedger): Promise<VerifyReport> {
  const lake = await openLake(root);
  try {
    const one = async (sql: string) => (await lake.query(sql)).rows;
    // The JSON is parsed once, keeping only the columns verify needs.
    await lake.connection.run(`CREATE TEMP TABLE delivered AS SELECT event_uuid, vehicle_id, TRY_CAST(seq AS BIGINT) AS seq FROM events`);
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
      const seqs = new RangeSet();
      for (const [first, last] of absent.get(vehicleId)!.toJSON()) {
        for (let seq = first; seq <= last; seq++) {
          const known = ledger?.outcomeOf(vehicleId, seq);
          if (known?.outcome === 'failed') failedAbsent.set(known.reason, (failedAbsent.get(known.reason) ?? 0) + 1);
          else if (known?.outcome === 'dropped') droppedAbsent.set(known.reason, (droppedAbsent.get(known.reason) ?? 0) + 1);
          else {
            seqs.add(seq);
            if (known?.outcome === 'acked') ackedMissing++;
          }
        }
      }
      if (seqs.size > 0) {
        missing += seqs.size;
        missingByVehicle.push({ vehicleId, seqs: seqs.toJSON() });
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
      ok: missing === 0,
    };
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
