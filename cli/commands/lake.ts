import type { Command } from 'commander';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { defaultLakeRoot } from '../../pipeline/lake/fs-bucket.js';
import { openLake } from '../../pipeline/lake/query.js';
import { formatTable } from '../../pipeline/lake/table-format.js';
import { verifyLake, type VerifyReport } from '../../pipeline/lake/verify.js';

interface LakeOptions {
  lake?: string;
  bucket: string;
  json?: boolean;
}

/** `sdfleet lake query|verify`: DuckDB over the filesystem lake the local delivery stream writes. */
export function registerLake(program: Command): void {
  const lake = program.command('lake').description('query and verify the data lake (DuckDB over ./data/lake/<bucket>)');
  const common = (command: Command) =>
    command
      .option('--lake <dir>', 'lake folder (default ./data/lake/<bucket>)')
      .option('--bucket <name>', 'bucket name under ./data/lake', 'sdfleet-lake')
      .option('--json', 'machine-readable output');

  common(lake.command('query').argument('<sql>', 'SQL over the views `events` and `errors`').description('run SQL over the lake')).action(
    async (sql: string, options: LakeOptions) => {
      const connection = await openLake(rootOf(options));
      try {
        const result = await connection.query(sql);
        if (options.json) console.log(JSON.stringify(result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])))));
        else console.log(formatTable(result.columns, result.rows));
      } finally {
        connection.close();
      }
    },
  );

  common(
    lake
      .command('verify')
      .option('--acks <file>', 'producer acknowledgement ledger (sdfleet-acks/1 JSON) to reconcile with')
      .description('count delivered records, duplicates, missing records and processing failures; exits 1 when anything is missing'),
  ).action(async (options: LakeOptions & { acks?: string }) => {
    const ledger = options.acks ? await AckLedger.load(options.acks) : undefined;
    const report = await verifyLake(rootOf(options), ledger);
    console.log(options.json ? JSON.stringify(report) : describeReport(report));
    if (!report.ok) process.exitCode = 1;
  });
}

function rootOf(options: LakeOptions): string {
  return options.lake ?? defaultLakeRoot(options.bucket);
}

function describeReport(r: VerifyReport): string {
  const lines = [
    `delivered           ${r.delivered} records (${r.uniqueEvents} unique event_uuid, ${r.vehicles} vehicles)`,
    `duplicates          ${r.duplicates}${r.duplicateExamples.length ? `  e.g. ${r.duplicateExamples.slice(0, 3).map((d) => `${d.eventUuid}×${d.copies}`).join(', ')}` : ''}`,
    `processing failures ${r.processingFailed}`,
    ...r.failuresByReason.map((f) => `  ${f.outputType} ${f.errorCode}: ${f.count}  (${f.example})`),
  ];
  if (r.unkeyed > 0) lines.push(`unkeyed             ${r.unkeyed} delivered records lack vehicle_id/seq and were not gap-checked`);
  if (r.producer) {
    const p = r.producer;
    lines.push(`producer ledger     ${p.acked} acked (${p.ackedPresent} accounted for in the lake), ${p.failed} failed, ${p.dropped} dropped by the producer`);
    for (const f of p.failedAbsent) lines.push(`  failed by producer: ${f.reason}: ${f.count}`);
    for (const d of p.droppedAbsent) lines.push(`  dropped by producer: ${d.reason}: ${d.count}`);
    if (p.failedPresent + p.droppedPresent > 0) {
      lines.push(`  in the lake although the producer failed (${p.failedPresent}) or dropped (${p.droppedPresent}) them`);
    }
  }
  lines.push(`MISSING             ${r.missing}`);
  for (const m of r.missingByVehicle.slice(0, 20)) {
    lines.push(`  ${m.vehicleId}: seq ${m.seqs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`);
  }
  if (r.missingByVehicle.length > 20) lines.push(`  … and ${r.missingByVehicle.length - 20} more vehicles`);
  lines.push(r.ok ? 'OK: nothing missing' : 'FAILED: records are missing');
  return lines.join('\n');
}
