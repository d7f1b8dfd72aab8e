// The lake side of a verdict: verify against the run's ledger, plus the two report tables the
// local run prints. The tables tolerate a lake without telemetry, EVs or events at all.
import type { AckLedger } from '../pipeline/lake/acks.js';
import { openLake, type QueryResult } from '../pipeline/lake/query.js';
import { verifyLake, type VerifyReport } from '../pipeline/lake/verify.js';

export interface LakeSide {
  root: string;
  verify: VerifyReport;
  topEventTypes: QueryResult;
  telemetryByClass: QueryResult;
  /** Set when the delivery did not catch up in time: the verdict is then not OK. */
  deliveryTimeout?: string;
}

const TELEMETRY_COLUMNS = ['event_name', 'vehicle_class', 'vehicle_id', 'co2_g', 'odometer_km'];

export async function checkLake(root: string, ledger: AckLedger): Promise<Omit<LakeSide, 'deliveryTimeout'>> {
  const verify = await verifyLake(root, ledger);
  const lake = await openLake(root);
  try {
    const columns = new Set((await lake.query(`SELECT column_name FROM (DESCRIBE events)`)).rows.map(([c]) => String(c)));
    const topEventTypes = await lake.query(`SELECT event_type, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8`);
    const telemetryByClass = TELEMETRY_COLUMNS.every((c) => columns.has(c))
      ? await lake.query(telemetrySql(columns.has('energy_wh') ? 'coalesce(energy_wh, 0)' : '0'))
      : { columns: ['vehicle_class', 'vehicles', 'km', 'co2_kg', 'co2_g_per_km', 'wh_per_km'], rows: [] };
    return { root, verify, topEventTypes, telemetryByClass };
  } finally {
    lake.close();
  }
}

// energy_wh exists only when an EV reported telemetry.
function telemetrySql(energy: string): string {
  return `SELECT vehicle_class, count(*) AS vehicles, round(sum(km), 1) AS km, round(sum(co2) / 1000, 2) AS co2_kg,
                 round(sum(co2) / nullif(sum(km), 0)) AS co2_g_per_km, round(sum(wh) / nullif(sum(km), 0)) AS wh_per_km
            FROM (SELECT vehicle_class, vehicle_id, sum(co2_g) AS co2, sum(${energy}) AS wh, max(odometer_km) - min(odometer_km) AS km
                    FROM events WHERE event_name = 'vehicle:telemetry' GROUP BY ALL)
           GROUP BY 1 ORDER BY 1`;
}
