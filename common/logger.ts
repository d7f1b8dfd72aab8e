import { pino, type Logger, type LoggerOptions } from 'pino';
import { UserError } from './user-error.js';

// Anything that might carry a credential is redacted, wherever it sits in a log object.
export const REDACT_PATHS = [
  'credentials',
  '*.credentials',
  'accessKeyId',
  '*.accessKeyId',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'privateKey',
  '*.privateKey',
];

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** SDFLEET_LOG_LEVEL, or `fallback` when unset; an unknown level is a user error, not a pino stack trace. */
export function logLevelFromEnv(fallback = 'info'): string {
  const level = process.env.SDFLEET_LOG_LEVEL;
  if (level === undefined || level === '') return fallback;
  if (!(LEVELS as readonly string[]).includes(level)) throw new UserError('SDFLEET_LOG_LEVEL', level, `expected one of ${LEVELS.join(', ')}`);
  return level;
}

/**
 * The one way sdfleet makes a logger. Logs go to stderr so stdout stays clean for
 * user-facing text and `--json` output. Level comes from SDFLEET_LOG_LEVEL (default `info`).
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: logLevelFromEnv(),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...options,
    },
    pino.destination(2),
  );
}

/** A logger that writes nothing, for library users who pass none and for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
