#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { logLevelFromEnv } from '../common/logger.js';
import { UserError } from '../common/user-error.js';
import { InvalidArgumentError } from '../producer/invalid-argument-error.js';
import { packageJson } from './installation.js';

// engines allow Node 20; the SDK's multi-line notice about its 2027 move to Node 22 is in the README instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

try {
  // A bad SDFLEET_LOG_LEVEL must fail here, as one line, before the commands' modules (some make loggers on import) load.
  logLevelFromEnv();
  const { registerCommands } = await import('./commands/index.js');
  const program = new Command('sdfleet')
    .description('San Diego fleet simulator, KPL-compatible Kinesis producer and local data-lake pipeline')
    .version(packageJson().version)
    .exitOverride();
  registerCommands(program);
  oneLineErrors(program);
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}

/** A bad flag gets commander's one-line error and a pointer to the command's help, not the whole usage. */
function oneLineErrors(command: Command, path: string[] = []): void {
  const name = ['sdfleet', ...path].join(' ');
  command.showHelpAfterError(`(see '${name} --help')`);
  for (const sub of command.commands) oneLineErrors(sub, [...path, sub.name()]);
}

/** User errors get one tidy line and exit 2; anything else is a bug and keeps its stack. */
function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander already printed it
  if (err instanceof UserError) {
    process.stderr.write(`sdfleet: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof InvalidArgumentError) {
    process.stderr.write(`sdfleet: ${err.message}\n`); // the producer library's bad-input error
    return 2;
  }
  if (err instanceof ZodError) {
    for (const issue of err.issues) {
      process.stderr.write(`sdfleet: ${issue.path.join('.') || '(root)'}: ${issue.message}\n`);
    }
    return 2;
  }
  process.stderr.write(`sdfleet: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
