import { deaggregate, hashKeyOf, isAggregated, parseExplicitHashKey } from '../../../producer/index.js';
import type { StoredRecord } from './read-back.js';

export interface StoredUserRecord {
  source: string;
  id: number;
  /** Where the Kinesis record holding it was stored, and the user record's place inside it. */
  location: string;
  /** False when a KCL consumer would drop it: its hash key lies outside the shard it was read from. */
  inShard: boolean;
}

/** De-aggregates what was stored and reads back each user record's `source` and `id`. */
export function userRecordsOf(stored: StoredRecord[]): StoredUserRecord[] {
  return stored.flatMap((k) => {
    const aggregated = isAggregated(k.data);
    const users = deaggregate(k.data, k.partitionKey);
    return users.map((u, i) => {
      const hashKey = (u.explicitHashKey !== undefined ? parseExplicitHashKey(u.explicitHashKey) : undefined) ?? hashKeyOf(u.partitionKey);
      const { source, id } = JSON.parse(Buffer.from(u.data).toString('utf8')) as { source: string; id: number };
      return {
        source,
        id,
        location: `${k.shardId}/${k.sequenceNumber}/${aggregated ? i : '-'}`,
        inShard: hashKey >= k.startingHashKey && hashKey <= k.endingHashKey,
      };
    });
  });
}
