import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '../../observe/report.js';

/** `sdfleet report <run-dir>`: rebuilds report.html from the run folder's summary.json and series.ndjson. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write report.html for a run folder from its summary.json and series.ndjson (e.g. a CI artefact)')
    .argument('<run-dir>', 'run folder (the --dir of run/demo)')
    .option('--json', 'print what was written as JSON')
    .action(async (runDir: string, flags: { json?: boolean }) => {
      const written = await writeReport(resolve(runDir));
      if (flags.json) process.stdout.write(`${JSON.stringify(written)}\n`);
      else {
        const kb = (written.bytes / 1024).toFixed(0);
        process.stdout.write(`Wrote ${written.path} (${kb} KiB from ${written.seriesLines} series lines${written.badLines ? `, ${written.badLines} unreadable lines skipped` : ''}).\n`);
      }
    });
}
