import { UserError } from '../../common/user-error.js';
import { compileJavaDatePattern } from './java-date-format.js';

/** Values the second evaluation step fills in when an object is written. */
export interface PrefixContext {
  /** Arrival time of the oldest record in the object. */
  arrival: Date;
  /** `processing-failed`, `partitioning-failed`… (error prefix only). */
  errorOutputType?: string;
  randomString: () => string;
}

/** A record lacked a Lambda partition key the prefix needs (Firehose: partitioning-failed). */
export class MissingPartitionKeyError extends Error {
  constructor(readonly key: string) {
    super(`partition key "${key}" was not returned by the Lambda`);
  }
}

const EXPRESSION = /!\{([A-Za-z]+):([^}]*)\}/g;

/**
 * A Firehose S3 prefix with `!{namespace:value}` expressions, validated once when configured.
 * Evaluation has two steps, as in Firehose: the Lambda's partition keys pick the buffer a
 * record joins (`partition`), and time / random / error type are filled per object (`finish`).
 */
export class PrefixTemplate {
  readonly partitionKeyNames: string[] = [];
  /** The template split around its partitionKeyFromLambda expressions. */
  private readonly pieces: string[];

  constructor(
    readonly template: string,
    readonly field: string,
    options: { errorPrefix?: boolean } = {},
  ) {
    for (const [, namespace, value] of template.matchAll(EXPRESSION)) {
      if (namespace === 'partitionKeyFromLambda') {
        if (options.errorPrefix) throw new UserError(field, template, '!{partitionKeyFromLambda:…} is not allowed in the error prefix');
        this.partitionKeyNames.push(value);
      }
      else if (namespace === 'timestamp') compileJavaDatePattern(value);
      else if (namespace === 'firehose' && value === 'random-string') continue;
      else if (namespace === 'firehose' && value === 'error-output-type') {
        if (!options.errorPrefix) throw new UserError(field, template, '!{firehose:error-output-type} is only allowed in the error prefix');
      } else throw new UserError(field, template, `unsupported expression !{${namespace}:${value}}`);
    }
    if (template.replace(EXPRESSION, '').includes('!{')) throw new UserError(field, template, 'has a malformed !{…} expression');
    this.pieces = template.split(/!\{partitionKeyFromLambda:[^}]*\}/);
  }

  /** The prefix with Lambda partition keys substituted: records with equal results share a buffer. */
  partition(keys: Readonly<Record<string, string>> | undefined): string {
    // Called per record: literal pieces and key names are split out once, in the constructor.
    let out = this.pieces[0];
    for (let i = 0; i < this.partitionKeyNames.length; i++) {
      const v = keys?.[this.partitionKeyNames[i]];
      if (v === undefined || v === null || v === '') throw new MissingPartitionKeyError(this.partitionKeyNames[i]);
      out += String(v) + this.pieces[i + 1];
    }
    return out;
  }

  /** Fills the per-object expressions of a `partition()` result. */
  static finish(partition: string, ctx: PrefixContext): string {
    return partition.replace(EXPRESSION, (whole, namespace: string, value: string) => {
      if (namespace === 'timestamp') return compileJavaDatePattern(value)(ctx.arrival);
      if (namespace === 'firehose' && value === 'random-string') return ctx.randomString();
      if (namespace === 'firehose' && value === 'error-output-type' && ctx.errorOutputType) return ctx.errorOutputType;
      return whole;
    });
  }
}

/** The lake layout in DESIGN: hive-style folders from the Lambda's partition keys. */
export const DEFAULT_PREFIX =
  'events/event_type=!{partitionKeyFromLambda:event_type}/year=!{partitionKeyFromLambda:year}/month=!{partitionKeyFromLambda:month}/day=!{partitionKeyFromLambda:day}/hour=!{partitionKeyFromLambda:hour}/';
export const DEFAULT_ERROR_PREFIX =
  'errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';
