import { pino, type Logger, type LoggerOptions } from 'pino';

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

/**
 * The one way sdfleet makes a logger. Logs go to stderr so stdout stays clean for
 * user-facing text and `--json` output. Level comes from SDFLEET_LOG_LEVEL (default `info`).
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: process.env.SDFLEET_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...options,
    },
    pino.destination(2),
  );
}

/** A logger that writes nothing, for library users who pass none and for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
