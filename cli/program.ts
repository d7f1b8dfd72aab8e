import { Command, type OutputConfiguration } from 'commander';
import { packageJson } from '../common/package-json.js';

/**
 * The whole `sdfleet` command tree. Commands are imported here, not at the top of sdfleet.ts, so that a bad
 * SDFLEET_LOG_LEVEL is reported before any module makes a logger. `output` lets tests capture what users see.
 */
export async function createProgram(output?: OutputConfiguration): Promise<Command> {
  const { registerCommands } = await import('./commands/index.js');
  const program = new Command('sdfleet')
    .description('San Diego fleet simulator, KPL-compatible Kinesis producer and local data-lake pipeline')
    .version(packageJson().version)
    // A parent's options only before its subcommand (`report merge --json` is merge's); needed by every level down.
    .enablePositionalOptions()
    .exitOverride();
  if (output) program.configureOutput(output); // before the subcommands, which copy it
  registerCommands(program);
  oneLineErrors(program);
  return program;
}

/** A bad flag gets commander's one-line error and a pointer to the command's help, not the whole usage. */
function oneLineErrors(command: Command, path: string[] = []): void {
  command.showHelpAfterError(`(see '${['sdfleet', ...path].join(' ')} --help')`);
  for (const sub of command.commands) oneLineErrors(sub, [...path, sub.name()]);
}
