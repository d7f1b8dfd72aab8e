/** One GetRecords result of one shard, tracked until every record from it is durably handled. */
export interface ReadBatch {
  readonly shardId: string;
  /** Sequence number of the last Kinesis record read; undefined for an empty read. */
  readonly lastSequenceNumber: string | undefined;
  /** The read reached SHARD_END: the shard is finished once this batch settles. */
  readonly shardEnd: boolean;
  pending: number;
}

export interface Checkpoint {
  shardId: string;
  /** Resume AFTER this sequence number; undefined: from TRIM_HORIZON. */
  sequenceNumber?: string;
  /** Every record of the (closed) shard has been delivered. */
  finished: boolean;
}

/**
 * Decides how far each shard may be checkpointed. Records of one read end up in many objects,
 * written in any order, so a shard's checkpoint advances only across a prefix of reads whose
 * records are all settled (written, sent to the error output, or dropped by the Lambda).
 */
export class CheckpointTracker {
  private readonly queues = new Map<string, ReadBatch[]>();
  private outstanding = 0;

  /** Registers a read of `records` user records; call in read order per shard. */
  open(shardId: string, lastSequenceNumber: string | undefined, records: number, shardEnd: boolean): ReadBatch {
    const batch: ReadBatch = { shardId, lastSequenceNumber, shardEnd, pending: records };
    let queue = this.queues.get(shardId);
    if (!queue) this.queues.set(shardId, (queue = []));
    queue.push(batch);
    this.outstanding += records;
    return batch;
  }

  /** More records of an open read (counted while it is de-aggregated). */
  add(batch: ReadBatch, records: number): void {
    batch.pending += records;
    this.outstanding += records;
  }

  settle(batch: ReadBatch, records = 1): void {
    if (records > batch.pending) throw new Error(`settled ${records} records of a ${batch.shardId} read with ${batch.pending} pending`);
    batch.pending -= records;
    this.outstanding -= records;
  }

  /** Records read but not yet settled, across all shards. */
  get pendingRecords(): number {
    return this.outstanding;
  }

  /** The checkpoints that may now be saved (one per shard that advanced), removing settled reads. */
  drain(): Checkpoint[] {
    const out: Checkpoint[] = [];
    for (const [shardId, queue] of this.queues) {
      let sequenceNumber: string | undefined;
      let finished = false;
      let advanced = false;
      while (queue.length > 0 && queue[0].pending === 0) {
        const batch = queue.shift()!;
        sequenceNumber = batch.lastSequenceNumber ?? sequenceNumber;
        finished ||= batch.shardEnd;
        advanced = true;
      }
      if (advanced && (sequenceNumber !== undefined || finished)) out.push({ shardId, sequenceNumber, finished });
    }
    return out;
  }
}
