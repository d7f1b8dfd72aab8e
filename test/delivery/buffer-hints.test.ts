import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DYNAMIC_PARTITIONING_FLOOR, LAMBDA_HINTS, resolveHints, S3_HINTS } from '../../pipeline/delivery/buffer-hints.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('buffer hints', () => {
  it('default to the Firehose values', () => {
    const { logger, lines } = capture();
    expect(resolveHints(LAMBDA_HINTS, undefined, logger)).toEqual({ sizeBytes: 1024 * 1024, intervalMs: 60_000 });
    expect(resolveHints(S3_HINTS, {}, logger)).toEqual({ sizeBytes: 5 * 1024 * 1024, intervalMs: 300_000 });
    expect(lines).toHaveLength(0);
  });

  it('allow values below the AWS floor locally, with a warning that says so', () => {
    const { logger, lines } = capture();
    expect(resolveHints(S3_HINTS, { sizeBytes: 1024, intervalMs: 1000 }, logger, DYNAMIC_PARTITIONING_FLOOR)).toEqual({ sizeBytes: 1024, intervalMs: 1000 });
    expect(lines).toEqual([expect.objectContaining({ field: 's3Buffer', awsMinBytes: 64 * 1024 * 1024, awsMinMs: 60_000, msg: expect.stringMatching(/local delivery stream only/) })]);
  });

  it('refuse values AWS would refuse above its maximum, naming the field and value', () => {
    const { logger } = capture();
    expect(() => resolveHints(LAMBDA_HINTS, { sizeBytes: 4 * 1024 * 1024 }, logger)).toThrow(/^lambdaBuffer\.sizeBytes: must be > 0 and ≤ 3145728 bytes \(got 4194304\)$/);
    expect(() => resolveHints(S3_HINTS, { intervalMs: 901_000 }, logger)).toThrow(/^s3Buffer\.intervalMs: must be between 0 and 900000 ms \(got 901000\)$/);
    expect(() => resolveHints(S3_HINTS, { sizeBytes: 0 }, logger)).toThrow(/s3Buffer\.sizeBytes/);
  });
});
