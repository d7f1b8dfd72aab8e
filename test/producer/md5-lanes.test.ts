// The four-lane MD5 (WebAssembly SIMD) against node:crypto, on sealed aggregates of every shape.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SealedAggregate } from '../../producer/codec.js';
import { Md5Lanes } from '../../producer/md5-lanes.js';
import { KinesisProducer, decodeAggregated } from '../../producer/index.js';
import { ManualTime } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

/** A sealed aggregate around `body`: magic, body, 16 bytes of digest room, at an odd offset in a larger buffer. */
function sealedOf(body: Uint8Array, offset = 3): SealedAggregate {
  const buffer = Buffer.alloc(offset + 4 + body.length + 16 + 5, 0xee);
  const bytes = buffer.subarray(offset, offset + 4 + body.length + 16);
  bytes.set([0xf3, 0x89, 0x9a, 0xc2]);
  bytes.set(body, 4);
  return { bytes, digestAt: 4 + body.length, buffer };
}

const md5 = (body: Uint8Array) => createHash('md5').update(body).digest('hex');
const digestOf = (s: SealedAggregate) => Buffer.from(s.bytes.subarray(s.digestAt, s.digestAt + 16)).toString('hex');

const lanes = Md5Lanes.create();

describe('Md5Lanes', () => {
  it('is available on this runtime (WebAssembly SIMD)', () => {
    expect(lanes).toBeDefined();
  });

  it('matches node:crypto at every padding boundary, in groups of two to four and alone', () => {
    const lengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 51_180, 51_200];
    for (let size = 1; size <= 5; size++) {
      for (let start = 0; start + size <= lengths.length; start++) {
        const bodies = lengths.slice(start, start + size).map((n) => randomBytes(n));
        const batch = bodies.map((b) => sealedOf(b));
        lanes!.digest(batch);
        expect(batch.map(digestOf)).toEqual(bodies.map(md5));
      }
    }
  });

  it('matches node:crypto for random batches, reusing its memory as sizes grow and shrink', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 3000 }), { minLength: 1, maxLength: 9 }), (bodies) => {
        const batch = bodies.map((b, i) => sealedOf(b, i % 8));
        lanes!.digest(batch);
        expect(batch.map(digestOf)).toEqual(bodies.map(md5));
        // Nothing outside the digest room was written.
        for (const s of batch) expect(Buffer.from(s.bytes.subarray(4, s.digestAt))).toEqual(Buffer.from(bodies[batch.indexOf(s)]));
      }),
      { numRuns: 200 },
    );
  });

  it('hashes bodies over 1 MiB with node:crypto, next to ones it takes itself', () => {
    const bodies = [randomBytes(1024 * 1024 + 1), randomBytes(70_000), randomBytes(2 * 1024 * 1024), randomBytes(10)];
    const batch = bodies.map((b) => sealedOf(b));
    lanes!.digest(batch);
    expect(batch.map(digestOf)).toEqual(bodies.map(md5));
  });

  it('leaves the bytes around the digest room alone', () => {
    const body = randomBytes(200);
    const batch = [sealedOf(body, 5), sealedOf(body, 6)];
    lanes!.digest(batch);
    for (const s of batch) {
      const buffer = s.buffer as Buffer;
      const end = s.bytes.byteOffset - buffer.byteOffset + s.bytes.length;
      expect([...buffer.subarray(end)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
      expect([...buffer.subarray(0, s.bytes.byteOffset - buffer.byteOffset)].every((b) => b === 0xee)).toBe(true);
    }
  });

  it('gives a producer the same bytes on the wire as node:crypto one at a time (md5Lanes: false)', async () => {
    const sent = async (md5Lanes: boolean): Promise<Buffer[]> => {
      const time = new ManualTime();
      const client = new ScriptedKinesis(evenShards(3));
      const producer = new KinesisProducer({ client, streamName: 'test', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0, md5Lanes });
      const records = Array.from({ length: 6_000 }, (_, i) => ({ partitionKey: `vehicle-${i % 41}`, data: JSON.stringify({ i, pad: 'y'.repeat(100 + (i % 90)) }) }));
      let result: { acked: number } | undefined;
      void producer.putMany(records).then((r) => (result = r));
      await time.runUntil(() => result !== undefined, 60_000);
      await producer.close();
      expect(result?.acked).toBe(records.length);
      return client.calls.flatMap((c) => (c.Records ?? []).map((r) => Buffer.from(r.Data as Uint8Array)));
    };
    const lanesOn = await sent(true);
    const lanesOff = await sent(false);
    expect(lanesOn.length).toBeGreaterThan(8); // aggregates sealed in groups, so the lanes ran
    expect(lanesOn).toEqual(lanesOff);
    for (const data of lanesOn) expect(() => decodeAggregated(data)).not.toThrow(); // digests verified
  });
});
