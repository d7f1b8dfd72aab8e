import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, toMessages } from '../../gateway/mqtt-batch.js';
import type { SpooledReading } from '../../gateway/spool.js';
import { deaggregate } from '../../producer/index.js';

const reading = (index: number, vehicleId: string, bytes: number): SpooledReading => ({
  index,
  vehicleId,
  seq: index + 1,
  json: Buffer.from(JSON.stringify({ vehicle_id: vehicleId, seq: index + 1, pad: 'x'.repeat(bytes) })),
});

describe('MQTT messages', () => {
  it('one message per vehicle, each ≤ 128 KB, every reading exactly once and in order', () => {
    const readings = Array.from({ length: 600 }, (_, i) => reading(i, i % 3 === 0 ? 'V1' : 'V2', 900));
    const messages = toMessages(readings);
    expect(messages.every((m) => m.payload.byteLength <= MAX_MESSAGE_BYTES)).toBe(true);
    expect(messages.length).toBeGreaterThan(2); // 540 KB does not fit two messages
    expect(messages.flatMap((m) => m.indices).sort((a, b) => a - b)).toEqual(readings.map((r) => r.index));
    for (const m of messages) {
      const inside = deaggregate(m.payload, m.vehicleId).map((u) => JSON.parse(Buffer.from(u.data).toString()) as { vehicle_id: string; seq: number });
      expect(inside.every((e) => e.vehicle_id === m.vehicleId)).toBe(true);
      expect(inside.map((e) => e.seq)).toEqual(m.indices.map((i) => i + 1));
    }
  });

  it('a lone reading goes as its own JSON, not aggregated', () => {
    const [m] = toMessages([reading(7, 'V9', 10)]);
    expect(JSON.parse(Buffer.from(m.payload).toString())).toMatchObject({ vehicle_id: 'V9', seq: 8 });
  });
});
