// `--metrics emf[=file]`: the producer's per-second counts as CloudWatch Embedded Metric Format
// lines under the KPL's metric names, so the CloudWatch agent (or Lambda's log pipeline) turns them
// into CloudWatch metrics with the KPL's dimensions: StreamName, StreamName+ShardId, StreamName+ErrorCode.
import { createWriteStream } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { ProducerLine } from './series-line.js';

export const KPL_NAMESPACE = 'KinesisProducerLibrary';

type Unit = 'Count' | 'Bytes' | 'Milliseconds';

function line(namespace: string, t: number, dimensions: Record<string, string>, metrics: Array<[string, number | null, Unit]>): string {
  const present = metrics.filter((m): m is [string, number, Unit] => m[1] !== null);
  return JSON.stringify({
    _aws: {
      Timestamp: t * 1000,
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: present.map(([Name, , Unit]) => ({ Name, Unit })) }],
    },
    ...dimensions,
    ...Object.fromEntries(present.map(([name, value]) => [name, value])),
  });
}

/** The EMF lines for one second of one producer: one per stream, one per shard, one for throttling. */
export function emfLines(p: ProducerLine, streamName: string, namespace = KPL_NAMESPACE): string[] {
  const out = [
    line(namespace, p.t, { StreamName: streamName }, [
      ['UserRecordsReceived', p.received, 'Count'],
      ['UserRecordsPending', p.pending, 'Count'],
      ['UserRecordsPut', p.records, 'Count'],
      ['UserRecordsDataPut', p.bytes, 'Bytes'],
      ['KinesisRecordsPut', p.krecs, 'Count'],
      ['KinesisRecordsDataPut', p.kbytes, 'Bytes'],
      ['AllErrors', p.errors, 'Count'],
      ['UserRecordExpired', p.expired, 'Count'],
      // The KPL reports request-time distributions; EMF carries one value here, the second's median.
      ['RequestTime', p.p50_ms, 'Milliseconds'],
    ]),
  ];
  for (const [shardId, s] of Object.entries(p.shards)) {
    out.push(
      line(namespace, p.t, { StreamName: streamName, ShardId: shardId }, [
        ['UserRecordsPut', s.records, 'Count'],
        ['UserRecordsDataPut', s.bytes, 'Bytes'],
        ['KinesisRecordsPut', s.krecs, 'Count'],
        ['KinesisRecordsDataPut', s.kbytes, 'Bytes'],
        ['AllErrors', s.errors, 'Count'],
      ]),
    );
  }
  if (p.throttled > 0) {
    out.push(line(namespace, p.t, { StreamName: streamName, ErrorCode: 'ProvisionedThroughputExceededException' }, [['ErrorsByCode', p.throttled, 'Count']]));
  }
  return out;
}

export interface EmfWriter {
  write(p: ProducerLine): void;
  close(): Promise<void>;
}

/** Writes to `file` (appending), or to stdout when there is none (what a Lambda or container log agent reads). */
export function createEmfWriter(streamName: string, file?: string): EmfWriter {
  const out = file ? createWriteStream(file, { flags: 'a' }) : process.stdout;
  return {
    write(p) {
      out.write(`${emfLines(p, streamName).join('\n')}\n`);
    },
    close() {
      if (out === process.stdout) return Promise.resolve();
      return new Promise((resolve) => out.end(() => resolve()));
    },
  };
}

/** Parses `--metrics emf` or `--metrics emf=FILE`. */
export function metricsFlag(value: string): { format: 'emf'; file?: string } {
  const m = /^emf(?:=(.+))?$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected emf or emf=FILE, got "${value}"`);
  return { format: 'emf', file: m[1] };
}
