#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ZodError } from 'zod';
import { logLevelFromEnv } from '../common/logger.js';
import { UserError } from '../common/user-error.js';
import { InvalidArgumentError } from '../producer/invalid-argument-error.js';
import { createProgram } from './program.js';

// engines allow Node 20; the SDK's multi-line notice about its 2027 move to Node 22 is in the README instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

try {
  logLevelFromEnv(); // before createProgram loads the commands, some of which make a logger on import
  const program = await createProgram();
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
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
