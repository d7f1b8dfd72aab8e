// One NDJSON line from a sensor → a reading the spool accepts: checked against the event contract
// the Lambda enforces (so nothing the gateway accepts is refused in the pipeline), with `seq` and
// `event_uuid` stamped when the sensor sent none.
import { randomUUID } from 'node:crypto';
import { UserError } from '../common/user-error.js';
import { validateEvent } from '../pipeline/transform/validate-event.js';

/** A reading must fit one MQTT message (IoT Core: 128 KB) with room for framing. */
export const MAX_READING_BYTES = 100 * 1024;

export interface Reading {
  vehicleId: string;
  seq: number;
  json: string;
}

export type ParsedLine = { ok: true; reading: Reading } | { ok: false; error: string };

/** `nextSeq` gives the seq for a vehicle whose line carries none (the spool knows it across restarts). */
export function parseReadingLine(line: string, nextSeq: (vehicleId: string) => number, uuid: () => string = randomUUID): ParsedLine {
  if (Buffer.byteLength(line) > MAX_READING_BYTES) return bad('line', `${Buffer.byteLength(line)} bytes`, `is larger than ${MAX_READING_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return bad('line', line, 'is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('line', line, 'must be a JSON object');
  const fields = value as Record<string, unknown>;
  const vehicleId = fields.vehicle_id;
  if (typeof vehicleId !== 'string' || vehicleId.length === 0 || Buffer.byteLength(vehicleId) > 255) {
    return bad('vehicle_id', vehicleId, 'must be a string of 1–255 bytes');
  }
  let stamped = false;
  if (fields.seq === undefined || fields.seq === null) {
    fields.seq = nextSeq(vehicleId);
    stamped = true;
  } else if (!Number.isSafeInteger(fields.seq) || (fields.seq as number) < 1 || (fields.seq as number) > 0xffffffff) {
    return bad('seq', fields.seq, 'must be an integer ≥ 1');
  }
  if (fields.event_uuid === undefined || fields.event_uuid === null) {
    fields.event_uuid = uuid();
    stamped = true;
  }
  const checked = validateEvent(fields);
  if (!checked.ok) return { ok: false, error: checked.errorMessage };
  return { ok: true, reading: { vehicleId, seq: fields.seq as number, json: stamped ? JSON.stringify(fields) : line } };
}

function bad(field: string, value: unknown, problem: string): ParsedLine {
  return { ok: false, error: new UserError(field, value, problem).message };
}
