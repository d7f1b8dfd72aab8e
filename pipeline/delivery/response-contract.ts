import type { FirehoseTransformationEvent, FirehoseTransformationResultRecord } from 'aws-lambda';

/** Lambda's synchronous invocation payload limit, for the request and for the response. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The whole invocation broke the contract; Firehose retries it, then fails every record in it. */
export class InvocationError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvocationError';
  }
}

export interface CheckedResult {
  result: 'Ok' | 'Dropped' | 'ProcessingFailed';
  data: Uint8Array;
  partitionKeys?: Record<string, string>;
  /** The handler's own record, for anything beyond the contract (a failure reason). */
  raw: FirehoseTransformationResultRecord;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Serialized response size is counted per record (ids are ours and ASCII, data is base64), so
// the 6 MB check costs no second serialization of the whole response.
const RESPONSE_ENVELOPE_BYTES = Buffer.byteLength('{"records":[]}');
const RECORD_JSON_BYTES = Buffer.byteLength('{"recordId":"","result":"","data":""},');
const RESULTS = new Set(['Ok', 'Dropped', 'ProcessingFailed']);

/**
 * Checks a handler's answer the way Firehose does and returns one result per request record, in
 * request order. Any violation (too large, not `{records: []}`, a missing, unknown or repeated
 * recordId, a bad result, data that is not base64) fails the whole invocation.
 */
export function checkResponse(event: FirehoseTransformationEvent, response: unknown): CheckedResult[] {
  const records = (response as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) throw new InvocationError('Lambda.JsonProcessingException', 'response has no records[] array');
  const byId = new Map<string, FirehoseTransformationResultRecord>();
  const wanted = new Set(event.records.map((r) => r.recordId));
  for (const record of records as FirehoseTransformationResultRecord[]) {
    const id = record?.recordId;
    if (typeof id !== 'string' || !wanted.has(id)) {
      throw new InvocationError('Lambda.UnknownRecordId', `response has recordId ${JSON.stringify(id)}, which was not in the request`);
    }
    if (byId.has(id)) throw new InvocationError('Lambda.DuplicatedRecordId', `response has recordId ${id} more than once`);
    byId.set(id, record);
  }
  let responseBytes = RESPONSE_ENVELOPE_BYTES;
  const checked = event.records.map(({ recordId }) => {
    const record = byId.get(recordId);
    if (!record) throw new InvocationError('Lambda.MissingRecordId', `response lacks recordId ${recordId}`);
    if (!RESULTS.has(record.result)) {
      throw new InvocationError('Lambda.JsonProcessingException', `record ${recordId} has result ${JSON.stringify(record.result)}; expected Ok, Dropped or ProcessingFailed`);
    }
    const data = record.data ?? '';
    const bytes = typeof data === 'string' ? decodeBase64(data) : undefined;
    if (!bytes) throw new InvocationError('Lambda.JsonProcessingException', `record ${recordId} data is not valid base64`);
    if (record.result === 'Ok' && data.length === 0) {
      throw new InvocationError('Lambda.JsonProcessingException', `record ${recordId} is Ok but has no data`);
    }
    const result: CheckedResult = { result: record.result, data: bytes, raw: record };
    responseBytes += RECORD_JSON_BYTES + recordId.length + record.result.length + data.length;
    if (record.metadata !== undefined) responseBytes += Buffer.byteLength(JSON.stringify(record.metadata));
    const keys = record.metadata?.partitionKeys;
    if (keys !== undefined) {
      if (typeof keys !== 'object' || keys === null) {
        throw new InvocationError('Lambda.JsonProcessingException', `record ${recordId} metadata.partitionKeys is not an object`);
      }
      result.partitionKeys = keys;
    }
    return result;
  });
  if (responseBytes > MAX_PAYLOAD_BYTES) {
    throw new InvocationError('Lambda.ResponseSizeExceeded', `response is ${responseBytes} bytes, above the 6 MB limit`);
  }
  return checked;
}

/**
 * Strict base64: Node's decoder skips bad characters silently, so a round trip is the fast check
 * and the pattern only judges what does not round-trip (non-canonical padding bits).
 */
function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') === text) return bytes;
  return text.length % 4 === 0 && BASE64.test(text) ? bytes : undefined;
}
