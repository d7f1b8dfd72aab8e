import type { Command } from 'commander';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { defaultLakeRoot } from '../../pipeline/lake/fs-bucket.js';
import type { UnreadableObject } from '../../pipeline/lake/lake-files.js';
import { openLakeSource, type LocalLake } from '../../pipeline/lake/lake-source.js';
import { openLake } from '../../pipeline/lake/query.js';
import { formatTable } from '../../pipeline/lake/table-format.js';
import { verifyLake, type VerifyReport } from '../../pipeline/lake/verify.js';

interface LakeOptions {
  lake?: string;
  bucket: string;
  json?: boolean;
}

interface VerifyFlags extends LakeOptions {
  acks?: string[];
  allowFailures?: boolean;
}

/** `sdfleet lake query|verify`: DuckDB over a lake folder, or an S3 lake copied down through the bucket interface. */
export function registerLake(program: Command): void {
  const lake = program.command('lake').description('query and verify the data lake (DuckDB over ./data/lake/<bucket>, another folder or s3://bucket/prefix)');
  const common = (command: Command) =>
    command
      .option('--lake <dir|s3://bucket/prefix>', 'lake folder, or an S3 lake read with the AWS SDK default credentials (default ./data/lake/<bucket>)')
      .option('--bucket <name>', 'bucket name under ./data/lake', 'sdfleet-lake')
      .option('--json', 'machine-readable output');

  common(lake.command('query').argument('<sql>', 'SQL over the views `events` and `errors`').description('run SQL over the lake')).action(
    async (sql: string, options: LakeOptions) => {
      await withLake(options, async (source) => {
        const connection = await openLake(source.root);
        try {
          const result = await connection.query(sql);
          if (options.json) console.log(JSON.stringify(result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])))));
          else console.log(formatTable(result.columns, result.rows));
          for (const object of connection.files.unreadable) process.stderr.write(`sdfleet: skipped ${describeUnreadable(source, object)}\n`);
        } finally {
          connection.close();
        }
      });
    },
  );

  common(
    lake
      .command('verify')
      .option('--acks <files...>', 'producer acknowledgement ledgers (sdfleet-acks/1 JSON) to reconcile with; several are merged (one per worker)')
      .option('--allow-failures', 'records in the error output do not fail the verdict')
      .description(
        'count delivered records, duplicates, missing records, processing failures and unreadable objects; exits 0 when OK, 1 when anything is missing, failed or unreadable, 2 on a usage error',
      ),
  ).action(async (options: VerifyFlags) => {
    const ledgers = await Promise.all((options.acks ?? []).map((path) => AckLedger.load(path)));
    const ledger = ledgers.length > 0 ? AckLedger.merge(ledgers) : undefined;
    await withLake(options, async (source) => {
      const report = await verifyLake(source.root, ledger, { allowFailures: options.allowFailures });
      console.log(options.json ? JSON.stringify({ lake: source.location, ...report }) : describeReport(report, source));
      if (!report.ok) process.exitCode = 1;
    });
  });
}

async function withLake(options: LakeOptions, use: (source: LocalLake) => Promise<void>): Promise<void> {
  const source = await openLakeSource(options.lake ?? defaultLakeRoot(options.bucket));
  try {
    await use(source);
  } finally {
    await source.close();
  }
}

function describeUnreadable(source: LocalLake, object: UnreadableObject): string {
  return `unreadable lake object ${source.location.replace(/\/$/, '')}/${object.key}: ${object.reason}`;
}

function describeReport(r: VerifyReport, source: LocalLake): string {
  const lines = [
    `lake                ${source.location}`,
    `delivered           ${r.delivered} records (${r.uniqueEvents} unique event_uuid, ${r.vehicles} vehicles)`,
    `duplicates          ${r.duplicates}${r.duplicateExamples.length ? `  e.g. ${r.duplicateExamples.slice(0, 3).map((d) => `${d.eventUuid}×${d.copies}`).join(', ')}` : ''}`,
    `processing failures ${r.processingFailed}`,
    ...r.failuresByReason.map((f) => `  ${f.outputType} ${f.errorCode}: ${f.count}  (${f.example})`),
    `unreadable objects  ${r.unreadable}`,
    ...r.unreadableObjects.slice(0, 20).map((object) => `  ${object.key}: ${object.reason}`),
  ];
  if (r.unreadable > 20) lines.push(`  … and ${r.unreadable - 20} more`);
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
  lines.push(r.ok ? 'OK: the lake was read, nothing is missing, failed or unreadable' : `FAILED: ${r.reasons.join('; ')}`);
  return lines.join('\n');
}
