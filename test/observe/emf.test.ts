import { describe, expect, it } from 'vitest';
import { emfLines, metricsFlag } from '../../observe/emf.js';
import type { ProducerLine } from '../../observe/series-line.js';

const line: ProducerLine = {
  t: 1_772_552_700,
  src: 'producer',
  received: 1200,
  records: 1100,
  bytes: 440_000,
  krecs: 30,
  kbytes: 450_000,
  requests: 3,
  throttled: 4,
  retries: 4,
  errors: 4,
  failed: 0,
  expired: 0,
  dropped: 0,
  pending: 100,
  in_flight: 2,
  p50_ms: 35,
  p99_ms: 80,
  shards: { 'shardId-000000000000': { records: 1100, bytes: 440_000, krecs: 30, kbytes: 450_000, attempted: 34, throttled: 4, errors: 4 } },
};

interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [k: string]: unknown;
}

describe('--metrics emf', () => {
  it('writes KPL-named metrics per stream, per shard and per error code as Embedded Metric Format', () => {
    const docs = emfLines(line, 'fleet').map((l) => JSON.parse(l) as Emf);
    expect(docs).toHaveLength(3);
    for (const doc of docs) {
      const [directive] = doc._aws.CloudWatchMetrics;
      expect(doc._aws.Timestamp).toBe(line.t * 1000);
      expect(directive.Namespace).toBe('KinesisProducerLibrary');
      // Every dimension and every metric a directive names must be a member of the document.
      for (const d of directive.Dimensions.flat()) expect(typeof doc[d]).toBe('string');
      for (const m of directive.Metrics) expect(typeof doc[m.Name]).toBe('number');
    }
    const [stream, shard, throttled] = docs;
    expect(stream).toMatchObject({ StreamName: 'fleet', UserRecordsPut: 1100, KinesisRecordsPut: 30, UserRecordsPending: 100, RequestTime: 35 });
    expect(stream._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'UserRecordsDataPut', Unit: 'Bytes' });
    expect(shard).toMatchObject({ StreamName: 'fleet', ShardId: 'shardId-000000000000', KinesisRecordsPut: 30, AllErrors: 4 });
    expect(throttled).toMatchObject({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorsByCode: 4 });
  });

  it('accepts emf and emf=FILE only', () => {
    expect(metricsFlag('emf')).toEqual({ format: 'emf', file: undefined });
    expect(metricsFlag('emf=/tmp/m.ndjson')).toEqual({ format: 'emf', file: '/tmp/m.ndjson' });
    expect(() => metricsFlag('prometheus')).toThrow('expected emf or emf=FILE, got "prometheus"');
  });
});
