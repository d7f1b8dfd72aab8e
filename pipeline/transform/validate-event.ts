import { EVENT_TIME_MAX_S as MAX_SECONDS, EVENT_TIME_MIN_S as MIN_SECONDS } from '../../common/event-time.js';
import { UserError } from '../../common/user-error.js';

/** Why a record was refused; `errorCode` groups failures, `errorMessage` names the field and value. */
export interface TransformFailure {
  ok: false;
  errorCode: TransformErrorCode;
  errorMessage: string;
}

export type TransformErrorCode =
  | 'InvalidUtf8'
  | 'InvalidJson'
  | 'NestingTooDeep'
  | 'NotAnObject'
  | 'MissingField'
  | 'InvalidField'
  | 'ResponseSizeExceeded';

/** The fields the transform relies on; every other field is carried through untouched. */
export interface ValidEvent {
  fields: Record<string, unknown>;
  eventName: string;
  createdAtMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Parts become S3 key segments and Hive partition values, so only characters safe in both.
const EVENT_NAME = /^[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_-]{1,64})*$/;

export function failure(errorCode: TransformErrorCode, field: string, value: unknown, problem: string): TransformFailure {
  // UserError gives the project-wide `field: problem (got value)` wording, with long values shortened.
  return { ok: false, errorCode, errorMessage: new UserError(field, value, problem).message };
}

/** Checks a parsed JSON value against the event contract (DESIGN.md, Contracts → Events). */
export function validateEvent(value: unknown): { ok: true; event: ValidEvent } | TransformFailure {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('NotAnObject', 'record', value, 'must be a JSON object');
  }
  const fields = value as Record<string, unknown>;
  for (const name of ['event_uuid', 'event_name', 'created_at']) {
    if (!(name in fields) || fields[name] === null) return failure('MissingField', name, fields[name], 'is required');
  }

  const { event_uuid: uuid, event_name: eventName, created_at: createdAt } = fields;
  if (typeof uuid !== 'string' || !UUID.test(uuid)) {
    return failure('InvalidField', 'event_uuid', uuid, 'must be a UUID like 8-4-4-4-12 hex digits');
  }
  if (typeof eventName !== 'string' || !EVENT_NAME.test(eventName)) {
    return failure('InvalidField', 'event_name', eventName, 'must be "type[:subtype…]" made of letters, digits, "_" or "-"');
  }
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) {
    return failure('InvalidField', 'created_at', createdAt, 'must be a finite number of Unix seconds');
  }
  if (createdAt / 1000 >= MIN_SECONDS && createdAt / 1000 < MAX_SECONDS) {
    return failure('InvalidField', 'created_at', createdAt, 'looks like milliseconds; it must be Unix seconds');
  }
  if (createdAt < MIN_SECONDS || createdAt >= MAX_SECONDS) {
    return failure('InvalidField', 'created_at', createdAt, 'must be Unix seconds between 2000-01-01 and 2100-01-01');
  }
  // Rounding, not truncation: 1700000000.123 * 1000 is 1700000000122.9998 in floating point.
  return { ok: true, event: { fields, eventName, createdAtMs: Math.round(createdAt * 1000) } };
}
