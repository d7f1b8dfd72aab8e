import { describeValue } from '../common/user-error.js';

/**
 * A put() argument or a producer option the producer refuses, naming the field and the value;
 * thrown at once, nothing is enqueued. The CLI prints its message on one line and exits 2.
 */
export class InvalidArgumentError extends Error {
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string) {
    super(`${field}: ${problem} (got ${describeValue(value)})`);
    this.name = 'InvalidArgumentError';
    this.field = field;
    this.value = value;
  }
}
