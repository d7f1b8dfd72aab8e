import type { Command } from 'commander';
import { bundledScenarios, loadScenario } from '../../simulator/index.js';
import { selfCommand } from '../installation.js';

/** `sdfleet scenarios`: the bundled scenario library, one line each; any of these names works as `--scenario NAME`. */
export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('list the bundled scenarios (use a name with --scenario)')
    .option('--json', 'one JSON object per scenario (name, path, about, vehicles, load)')
    .action((flags: { json?: boolean }) => {
      const list = bundledScenarios().map((b) => {
        const sc = loadScenario(b.path);
        return { ...b, vehicles: sc.fleet.vehicles, load: sc.load?.shape ?? null };
      });
      if (flags.json) {
        for (const s of list) process.stdout.write(`${JSON.stringify(s)}\n`);
        return;
      }
      const width = Math.max(...list.map((s) => s.name.length));
      for (const s of list) process.stdout.write(`${s.name.padEnd(width)}  ${s.about}\n`);
      // On stderr, so stdout stays one line per scenario for scripts.
      process.stderr.write(`Use one: ${selfCommand()} simulate --scenario ${(list.find((s) => s.name === 'demo') ?? list[0])?.name ?? 'NAME'} --max-records 10\n`);
    });
}
