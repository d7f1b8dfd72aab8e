// How readings travel over MQTT: one message per vehicle per send, ≤ 128 KB (IoT Core's limit).
// One reading goes as its JSON; several go as one KPL aggregated record keyed by the vehicle id.
// The IoT rule forwards a message as one Kinesis record, and the delivery stream (like Firehose)
// de-aggregates KPL records before the transform, so the lake still gets one event per row.
import { encodeAggregated } from '../producer/codec.js';
import type { SpooledReading } from './spool.js';

export const MAX_MESSAGE_BYTES = 128 * 1024;
/** Aggregation framing, the MD5 and the per-record protobuf fields, rounded up. */
const FRAMING_BYTES = 64;
const PER_RECORD_BYTES = 16;

export interface Message {
  vehicleId: string;
  payload: Uint8Array;
  indices: number[];
}

/** Groups readings by vehicle (first-appearance order kept), each group split to fit a message. */
export function toMessages(readings: readonly SpooledReading[]): Message[] {
  const groups = new Map<string, SpooledReading[]>();
  for (const r of readings) {
    const group = groups.get(r.vehicleId);
    if (group) group.push(r);
    else groups.set(r.vehicleId, [r]);
  }
  const messages: Message[] = [];
  for (const [vehicleId, group] of groups) {
    let part: SpooledReading[] = [];
    let bytes = FRAMING_BYTES + Buffer.byteLength(vehicleId);
    for (const r of group) {
      const size = r.json.length + PER_RECORD_BYTES;
      if (part.length > 0 && bytes + size > MAX_MESSAGE_BYTES) {
        messages.push(encode(vehicleId, part));
        part = [];
        bytes = FRAMING_BYTES + Buffer.byteLength(vehicleId);
      }
      part.push(r);
      bytes += size;
    }
    if (part.length > 0) messages.push(encode(vehicleId, part));
  }
  return messages;
}

function encode(vehicleId: string, part: SpooledReading[]): Message {
  const payload = part.length === 1 ? part[0].json : encodeAggregated(part.map((r) => ({ partitionKey: vehicleId, data: r.json })));
  return { vehicleId, payload, indices: part.map((r) => r.index) };
}
