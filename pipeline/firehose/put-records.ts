import { MAX_BYTES_PER_CALL, MAX_RECORD_BYTES, MAX_RECORDS_PER_CALL, type DeliveryStreamMeter } from './limits.js';

/** Firehose's answer to a call over its rate: the exception, and per record in PutRecordBatch. */
export const SLOW_DOWN = { code: 'ServiceUnavailableException', message: 'Slow down.' } as const;

export interface FirehoseError {
  status: number;
  type: string;
  message: string;
}

export type RecordResponse = { RecordId: string } | { ErrorCode: string; ErrorMessage: string };

/** A whole-call error in the AWS JSON shape (HTTP 400, as Firehose answers its modelled errors). */
export function invalid(message: string, type = 'InvalidArgumentException'): FirehoseError {
  return { status: 400, type, message };
}

/**
 * The records of a call, decoded, when the call is within Firehose's limits (at most 500 records and
 * 4 MiB, each record at most 1,000 KiB, Data base64); otherwise the error the whole call gets.
 */
export function decodeRecords(records: unknown): Buffer[] | FirehoseError {
  if (!Array.isArray(records) || records.length === 0) return invalid('Records: expected 1 to 500 records');
  if (records.length > MAX_RECORDS_PER_CALL) {
    return invalid(`Records: ${records.length} records in one call, above the limit of ${MAX_RECORDS_PER_CALL}`);
  }
  const out: Buffer[] = [];
  let total = 0;
  for (const [i, record] of (records as Array<{ Data?: unknown }>).entries()) {
    if (typeof record !== 'object' || record === null || typeof record.Data !== 'string') return invalid(`Records[${i}].Data: expected base64 data`);
    const data = Buffer.from(record.Data, 'base64');
    if (data.byteLength > MAX_RECORD_BYTES) {
      return invalid(`Records[${i}]: the record is ${data.byteLength} bytes, above the limit of ${MAX_RECORD_BYTES} bytes (1,000 KiB)`);
    }
    total += data.byteLength;
    out.push(data);
  }
  if (total > MAX_BYTES_PER_CALL) return invalid(`Records: ${total} bytes in one call, above the limit of ${MAX_BYTES_PER_CALL} bytes (4 MiB)`);
  return out;
}

/** Each record's fate in request order: accepted (and given an id) or throttled with Firehose's error. */
export function meterRecords(meter: DeliveryStreamMeter, records: Buffer[], newId: () => string): { accepted: Buffer[]; responses: RecordResponse[] } {
  const accepted: Buffer[] = [];
  const responses = records.map((data): RecordResponse => {
    if (!meter.admitRecord(data.byteLength)) return { ErrorCode: SLOW_DOWN.code, ErrorMessage: SLOW_DOWN.message };
    accepted.push(data);
    return { RecordId: newId() };
  });
  return { accepted, responses };
}
