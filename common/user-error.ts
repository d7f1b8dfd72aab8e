/**
 * An error caused by what the user gave us (a flag, a scenario field, a record).
 * The CLI prints its message without a stack trace and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly exitCode: number;

  constructor(field: string, value: unknown, problem: string, exitCode = 2) {
    super(`${field}: ${problem} (got ${describeValue(value)})`);
    this.name = 'UserError';
    this.field = field;
    this.value = value;
    this.exitCode = exitCode;
  }
}

/** A value as it reads in a one-line error: strings quoted and cut at 80 characters, bytes counted. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  // JSON has no Infinity or NaN (YAML's .inf, .nan): JSON.stringify would say "null".
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
