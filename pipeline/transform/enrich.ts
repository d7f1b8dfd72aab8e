import { exceedsNesting, MAX_NESTING_DEPTH } from './nesting-depth.js';
import { failure, validateEvent, type TransformFailure } from './validate-event.js';

/** Firehose dynamic-partitioning keys, zero-padded UTC parts of the event time. */
export interface PartitionKeys {
  event_type: string;
  year: string;
  month: string;
  day: string;
  hour: string;
}

export interface EnrichedEvent {
  ok: true;
  /** One compact JSON object, newline-terminated (NDJSON, as the lake and Athena expect). */
  line: string;
  partitionKeys: PartitionKeys;
}

const ADDED_FIELDS = ['created_datetime', 'event_type', 'event_subtype'] as const;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Validates one raw event and adds `created_datetime`, `event_type` and `event_subtype`
 * after the original fields. Pure: never throws for bad data, it returns the reason instead.
 * Fields already named like an added field are replaced by the derived value (and moved last),
 * so the lake partition always agrees with `event_name`.
 */
export function enrichEvent(bytes: Uint8Array): EnrichedEvent | TransformFailure {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return failure('InvalidUtf8', 'record', bytes, 'is not valid UTF-8');
  }
  // Checked before parsing: JSON.parse copes with deep nesting, but every recursive walk after it
  // (stringify, error formatting) would overflow the stack and fail the whole batch.
  const deep = exceedsNesting(bytes);
  if (deep) return failure('NestingTooDeep', 'record', text, `nests deeper than ${MAX_NESTING_DEPTH} levels (at byte ${deep.offset})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failure('InvalidJson', 'record', text, `is not valid JSON: ${(error as Error).message}`);
  }
  const checked = validateEvent(parsed);
  if (!checked.ok) return checked;

  const { fields, eventName, createdAtMs } = checked.event;
  const [eventType, eventSubtype = null] = eventName.split(':');
  const createdDatetime = new Date(createdAtMs).toISOString();
  const out: Record<string, unknown> = { ...fields };
  // `delete` turns the object into a slow dictionary, so only when an added name is really there.
  for (const name of ADDED_FIELDS) if (Object.hasOwn(out, name)) delete out[name];
  out.created_datetime = createdDatetime;
  out.event_type = eventType;
  out.event_subtype = eventSubtype;

  return {
    ok: true,
    line: `${JSON.stringify(out)}\n`,
    partitionKeys: {
      event_type: eventType,
      // toISOString is always yyyy-MM-ddTHH:…, already zero-padded UTC.
      year: createdDatetime.slice(0, 4),
      month: createdDatetime.slice(5, 7),
      day: createdDatetime.slice(8, 10),
      hour: createdDatetime.slice(11, 13),
    },
  };
}
