import { UserError } from '../../common/user-error.js';
import type { Logger } from '../../common/logger.js';

export interface BufferHints {
  sizeBytes: number;
  intervalMs: number;
}

const MB = 1024 * 1024;

interface HintLimits {
  field: string;
  defaults: BufferHints;
  /** What AWS accepts; the local stand-in allows less (down to 1 byte / 0 ms) for demos and tests. */
  aws: { minBytes: number; maxBytes: number; minMs: number; maxMs: number };
}

/** Lambda processor hints: 0.2–3 MB (default 1 MB), 0–900 s (default 60 s). */
export const LAMBDA_HINTS: HintLimits = {
  field: 'lambdaBuffer',
  defaults: { sizeBytes: 1 * MB, intervalMs: 60_000 },
  aws: { minBytes: 0.2 * MB, maxBytes: 3 * MB, minMs: 0, maxMs: 900_000 },
};

/** S3 hints: 1–128 MiB (default 5), 0–900 s (default 300). */
export const S3_HINTS: HintLimits = {
  field: 's3Buffer',
  defaults: { sizeBytes: 5 * MB, intervalMs: 300_000 },
  aws: { minBytes: 1 * MB, maxBytes: 128 * MB, minMs: 0, maxMs: 900_000 },
};

/** With dynamic partitioning AWS raises the S3 floor to 64 MiB and 60 s. */
export const DYNAMIC_PARTITIONING_FLOOR: BufferHints = { sizeBytes: 64 * MB, intervalMs: 60_000 };

/**
 * Fills defaults and rejects values AWS would never accept above its maximum. Values below the AWS
 * floor are allowed here (so a demo shows objects in seconds), with a warning that AWS would refuse them.
 */
export function resolveHints(limits: HintLimits, given: Partial<BufferHints> | undefined, logger: Logger, floor?: BufferHints): BufferHints {
  const hints = { ...limits.defaults, ...given };
  if (!Number.isFinite(hints.sizeBytes) || hints.sizeBytes <= 0 || hints.sizeBytes > limits.aws.maxBytes) {
    throw new UserError(`${limits.field}.sizeBytes`, hints.sizeBytes, `must be > 0 and ≤ ${limits.aws.maxBytes} bytes`);
  }
  if (!Number.isFinite(hints.intervalMs) || hints.intervalMs < 0 || hints.intervalMs > limits.aws.maxMs) {
    throw new UserError(`${limits.field}.intervalMs`, hints.intervalMs, `must be between 0 and ${limits.aws.maxMs} ms`);
  }
  const minBytes = Math.max(limits.aws.minBytes, floor?.sizeBytes ?? 0);
  const minMs = Math.max(limits.aws.minMs, floor?.intervalMs ?? 0);
  if (hints.sizeBytes < minBytes || hints.intervalMs < minMs) {
    logger.warn({ field: limits.field, ...hints, awsMinBytes: minBytes, awsMinMs: minMs }, 'buffer hints below the AWS minimum: allowed by the local delivery stream only');
  }
  return hints;
}
