import type { Command } from 'commander';
import { addRunOptions, executeRun, runOptionsFrom, type RunFlags } from './run.js';

/** `sdfleet record`: shorthand for `run --target file`, a recording to replay later. */
export function registerRecord(program: Command): void {
  addRunOptions(program.command('record').description('record a scenario as NDJSON (gzip for .gz) to replay later: run --target file'), { withTarget: false }).action(
    async (flags: RunFlags) => {
      const options = await runOptionsFrom({ ...flags, target: 'file' });
      await executeRun(options, flags);
    },
  );
}
