// The KPL aggregated record codec: interop both ways with aws-kinesis-agg, edge cases, corruption.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import agg from 'aws-kinesis-agg';
import {
  AggregatedRecordBuilder,
  AggregatedRecordError,
  decodeAggregated,
  deaggregate,
  encodeAggregated,
  isAggregated,
  type UserRecord,
} from '../../producer/index.js';

interface TheirRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  data: string;
}

/** De-aggregates with aws-kinesis-agg, MD5 checksum verification on. */
function theirDeaggregate(bytes: Uint8Array): TheirRecord[] {
  let out: TheirRecord[] | undefined;
  let failure: unknown;
  agg.deaggregateSync(
    { data: Buffer.from(bytes).toString('base64'), partitionKey: 'a', sequenceNumber: '1', kinesisSchemaVersion: '1.0', approximateArrivalTimestamp: 0 },
    true,
    (err: Error, records?: TheirRecord[]) => {
      failure = err;
      out = records;
    },
  );
  if (failure) throw failure;
  return out as TheirRecord[];
}

/** Aggregates with aws-kinesis-agg and returns every encoded record it produced. */
function theirAggregate(records: { partitionKey: string; explicitHashKey?: string; data: Buffer }[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    agg.aggregate(
      records,
      (encoded: { data: Buffer }, callback: () => void) => {
        out.push(encoded.data);
        callback();
      },
      () => resolve(out),
      (err: Error) => reject(err),
    );
  });
}

const sample: UserRecord[] = [
  { partitionKey: 'vehicle-1', data: Buffer.from('{"seq":1}') },
  { partitionKey: 'fahrzeug-ü-🚗', data: Buffer.from('{"seq":2}') },
  { partitionKey: 'vehicle-1', explicitHashKey: '12345678901234567890', data: new Uint8Array(0) },
];

describe('codec interop with aws-kinesis-agg', () => {
  it('our bytes de-aggregate there with checksums verified, including multibyte keys and empty data', () => {
    const theirs = theirDeaggregate(encodeAggregated(sample));
    expect(theirs.map((r) => r.partitionKey)).toEqual(sample.map((r) => r.partitionKey));
    expect(theirs.map((r) => Buffer.from(r.data, 'base64').toString())).toEqual(sample.map((r) => Buffer.from(r.data).toString()));
    expect(theirs[2].explicitPartitionKey).toBe('12345678901234567890');
  });

  it('their bytes decode here', async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ partitionKey: `k-${i % 7}-é`, data: Buffer.from(JSON.stringify({ i })) }));
    const encoded = await theirAggregate(records);
    expect(encoded.length).toBeGreaterThan(0);
    const decoded = encoded.flatMap((b) => decodeAggregated(b));
    expect(decoded.map((r) => r.partitionKey)).toEqual(records.map((r) => r.partitionKey));
    expect(decoded.map((r) => Buffer.from(r.data).toString())).toEqual(records.map((r) => r.data.toString()));
  });

  it('property: any records round-trip through our encoder and both decoders', () => {
    const record = fc.record(
      {
        partitionKey: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
        explicitHashKey: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String),
        data: fc.uint8Array({ maxLength: 300 }),
      },
      { requiredKeys: ['partitionKey', 'data'] },
    );
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), (records) => {
        const bytes = encodeAggregated(records);
        const ours = decodeAggregated(bytes);
        expect(ours.map((r) => ({ ...r, data: Buffer.from(r.data) }))).toEqual(
          records.map((r) => (r.explicitHashKey === undefined ? { partitionKey: r.partitionKey, data: Buffer.from(r.data) } : { ...r, data: Buffer.from(r.data) })),
        );
        const theirs = theirDeaggregate(bytes);
        expect(theirs.map((r) => Buffer.from(r.data, 'base64'))).toEqual(records.map((r) => Buffer.from(r.data)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('codec sizing', () => {
  it('sizeWith predicts the exact encoded size, incrementally, for multibyte keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ partitionKey: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }), data: fc.uint8Array({ maxLength: 2000 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (records) => {
          const builder = new AggregatedRecordBuilder(16);
          for (const r of records) {
            const predicted = builder.sizeWith(r.partitionKey, undefined, r.data.byteLength);
            builder.add(r.partitionKey, undefined, r.data);
            expect(builder.size).toBe(predicted);
          }
          expect(builder.finish().byteLength).toBe(encodeAggregated(records).byteLength);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('one record and a near-1 MiB aggregate round-trip', () => {
    const one = encodeAggregated([{ partitionKey: 'only', data: Buffer.from('x') }]);
    expect(decodeAggregated(one)).toEqual([{ partitionKey: 'only', data: Buffer.from('x') }]);
    const big = Array.from({ length: 20 }, (_, i) => ({ partitionKey: `p${i}`, data: new Uint8Array(52_000).fill(i) }));
    const bytes = encodeAggregated(big);
    expect(bytes.byteLength).toBeGreaterThan(1_040_000);
    expect(bytes.byteLength).toBeLessThan(1024 * 1024);
    expect(decodeAggregated(bytes).map((r) => r.data[0])).toEqual(big.map((_, i) => i));
    expect(theirDeaggregate(bytes)).toHaveLength(20);
  });
});

describe('codec on corrupt input', () => {
  const good = encodeAggregated(sample);

  it('bad magic', () => {
    const bad = Buffer.from(good);
    bad[0] = 0;
    expect(() => decodeAggregated(bad)).toThrow(AggregatedRecordError);
    expect(() => decodeAggregated(bad)).toThrow(/bad magic/);
    expect(isAggregated(bad)).toBe(false);
  });

  it('bad MD5', () => {
    const bad = Buffer.from(good);
    bad[10] ^= 0xff;
    expect(() => decodeAggregated(bad)).toThrow(/bad MD5/);
  });

  it('truncated protobuf (with a matching MD5) names the truncation', () => {
    const body = Buffer.from(good.subarray(4, good.byteLength - 16 - 3));
    const forged = Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), body, createHash('md5').update(body).digest()]);
    const error = (() => {
      try {
        decodeAggregated(forged);
      } catch (e) {
        return e as AggregatedRecordError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AggregatedRecordError);
    expect(error?.problem).toBe('truncated');
    expect(error?.message).toMatch(/truncated protobuf/);
  });

  it('truncated bytes fail the MD5 check, and too-short input is not aggregated', () => {
    expect(() => decodeAggregated(good.subarray(0, good.byteLength - 5))).toThrow(AggregatedRecordError);
    expect(() => decodeAggregated(good.subarray(0, 10))).toThrow(/too short/);
  });

  it('an index outside the key table is invalid protobuf', () => {
    const body = Buffer.from([0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x07, 0x1a, 0x01, 0x78]);
    const forged = Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), body, createHash('md5').update(body).digest()]);
    expect(() => decodeAggregated(forged)).toThrow(/partition_key_index 7 outside table of 1/);
  });

  it('deaggregate returns a raw record as itself and decodes aggregated ones', () => {
    const raw = Buffer.from('{"plain":true}');
    expect(deaggregate(raw, 'pk')).toEqual([{ partitionKey: 'pk', data: raw }]);
    expect(deaggregate(good, 'a')).toHaveLength(3);
  });
});
