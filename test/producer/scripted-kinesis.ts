// A scripted stand-in for the Kinesis client (unit and failure tests only): a fixed shard map
// and a per-call script that decides each PutRecords answer.
import { ListShardsCommand, PutRecordsCommand, type PutRecordsCommandInput, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { MAX_HASH_KEY, hashKeyOf } from '../../producer/index.js';

export interface ShardSpec {
  shardId: string;
  start: bigint;
  end: bigint;
  closed?: boolean;
}

/** Splits the hash key space evenly into n open shards. */
export function evenShards(n: number): ShardSpec[] {
  const width = (MAX_HASH_KEY + 1n) / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    shardId: `shardId-${String(i).padStart(12, '0')}`,
    start: width * BigInt(i),
    end: i === n - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n,
  }));
}

export type Entry = NonNullable<PutRecordsCommandInput['Records']>[number];
/** Per record: undefined = accept; a code = fail the record with it. */
export type RecordScript = (entry: Entry, call: number, index: number) => string | undefined;

export class ScriptedKinesis {
  calls: PutRecordsCommandInput[] = [];
  listShardsCalls = 0;
  private seq = 0;
  /** Thrown (or awaited) before answering a PutRecords call; return undefined to answer normally. */
  beforeCall: (call: number) => Promise<void> | void = () => {};
  perRecord: RecordScript = () => undefined;
  /** Overrides the shard that accepts a record (for wrong-shard scenarios). */
  landOn: ((entry: Entry) => string | undefined) | undefined;

  constructor(public shards: ShardSpec[], private readonly pageSize = 1000) {}

  shardOf(entry: Entry): string {
    const h = entry.ExplicitHashKey !== undefined ? BigInt(entry.ExplicitHashKey) : hashKeyOf(entry.PartitionKey as string);
    const s = this.shards.find((x) => !x.closed && h >= x.start && h <= x.end);
    if (s === undefined) throw new Error(`no shard for ${h}`);
    return s.shardId;
  }

  get recordsSeen(): number {
    return this.calls.reduce((n, c) => n + (c.Records?.length ?? 0), 0);
  }

  async send(command: object): Promise<unknown> {
    if (command instanceof ListShardsCommand) {
      this.listShardsCalls++;
      const start = command.input.NextToken === undefined ? 0 : Number(command.input.NextToken);
      const page = this.shards.slice(start, start + this.pageSize);
      return {
        Shards: page.map((s) => ({
          ShardId: s.shardId,
          HashKeyRange: { StartingHashKey: s.start.toString(), EndingHashKey: s.end.toString() },
          SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: s.closed ? '2' : undefined },
        })),
        NextToken: start + this.pageSize < this.shards.length ? String(start + this.pageSize) : undefined,
      };
    }
    if (command instanceof PutRecordsCommand) {
      const call = this.calls.length;
      this.calls.push(command.input);
      await this.beforeCall(call);
      const records: PutRecordsResultEntry[] = (command.input.Records ?? []).map((entry, i) => {
        const code = this.perRecord(entry, call, i);
        if (code !== undefined) return { ErrorCode: code, ErrorMessage: `${code} for record ${i}` };
        return { ShardId: this.landOn?.(entry) ?? this.shardOf(entry), SequenceNumber: String(++this.seq) };
      });
      return { FailedRecordCount: records.filter((r) => r.ErrorCode !== undefined).length, Records: records };
    }
    throw new Error(`unexpected command ${command.constructor.name}`);
  }
}
