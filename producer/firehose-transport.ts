// The Firehose side of the pipeline: one queue per delivery stream, paced by the adaptive limiter
// (throttles are ServiceUnavailableException), PutRecordBatch requests and their answers.
import { PutRecordBatchCommand, type PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import { classifyCode, isThrottle, type ErrorInfo } from '../common/aws-errors.js';
import type { Collector, CollectorLimits } from './collector.js';
import type { Limiter } from './limiter.js';
import type { Settlement, StageContext, Transport } from './pipeline.js';
import { Queue } from './queue.js';
import { ownedBytes } from './byte-slab.js';
import { userRecord, type Target, type WireRecord } from './wire-record.js';

export interface FirehosePutResult {
  recordId: string;
  /** Tries it took, including the one that succeeded. */
  attempts: number;
}

type Pending = WireRecord<FirehosePutResult>;

export class FirehoseTransport implements Transport<FirehosePutResult> {
  private readonly queue = new Queue<Pending>();

  constructor(
    private readonly context: StageContext<FirehosePutResult>,
    private readonly deliveryStreamName: string,
    private readonly limiter: Limiter,
    readonly collectorLimits: CollectorLimits,
  ) {}

  add(
    _partitionKey: string,
    _explicitHashKey: string | undefined,
    _hashKey: bigint | undefined,
    data: Uint8Array | string,
    _dataBytes: number,
    _pkBytes: number,
    owned: boolean,
    target: Target<FirehosePutResult>,
    seq: number,
    receivedAt: number,
  ): void {
    this.readmit(userRecord('', undefined, undefined, ownedBytes(data, owned), 0, target, seq, receivedAt, receivedAt + this.context.recordTtlMs, undefined));
  }

  readmit(record: Pending): void {
    this.queue.push(record);
    if (this.queue.length === 1) this.context.wake();
  }

  close(): void {}

  /** A Firehose record is one user record: nothing to split. */
  split(record: Pending): Pending[] {
    return [record];
  }

  stage(now: number, collector: Collector<Pending>): number {
    const limiter = this.limiter.forShard(this.deliveryStreamName, now);
    while (this.queue.length > 0) {
      const head = this.queue.peek();
      if (head.deadline <= now) {
        this.queue.shift();
        this.context.expire(head);
        continue;
      }
      if (!collector.hasRoomFor(head)) {
        collector.seal();
        break;
      }
      if (!limiter.tryTake(head.bytes, now)) return Math.min(now + limiter.waitMs(head.bytes, now), head.deadline);
      collector.offer(this.queue.shift());
    }
    return Infinity;
  }

  toCommand(batch: readonly Pending[]): object {
    const now = this.context.clock.now();
    for (const r of batch) if (r.attempts === undefined) this.context.stats.bufferingTime.recordValue(Math.max(0, now - r.receivedAt));
    return new PutRecordBatchCommand({ DeliveryStreamName: this.deliveryStreamName, Records: batch.map((r) => ({ Data: r.data })) });
  }

  requestFailed(batch: readonly Pending[], error: ErrorInfo, sentAt: number, now: number): void {
    this.context.stats.error(undefined, error.code, batch.length);
    if (error.kind === 'throttle') this.limiter.forShard(this.deliveryStreamName, sentAt).throttled(1, sentAt, now);
  }

  settle(batch: readonly Pending[], output: unknown, sentAt: number, now: number, settlement: Settlement<FirehosePutResult>): void {
    const responses = (output as PutRecordBatchCommandOutput).RequestResponses ?? [];
    if (responses.length !== batch.length) {
      const error: ErrorInfo = { code: 'InternalFailure', message: `InternalFailure: PutRecordBatch answered ${responses.length} results for ${batch.length} records`, kind: 'retryable', retryable: true };
      this.context.stats.error(undefined, error.code, batch.length);
      for (const record of batch) settlement.failed(record, error);
      return;
    }
    let throttled = 0;
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i];
      const r = responses[i];
      if (r.ErrorCode !== undefined) {
        if (isThrottle(r.ErrorCode)) throttled++;
        this.context.stats.error(undefined, r.ErrorCode);
        settlement.failed(record, classifyCode(r.ErrorCode, r.ErrorMessage));
        continue;
      }
      this.context.stats.put(undefined, 1, record.data.byteLength, record.data.byteLength);
      const recordId = r.RecordId ?? '';
      settlement.acked(record, (_i, attempts) => ({ recordId, attempts }));
    }
    this.limiter.forShard(this.deliveryStreamName, sentAt).answered(throttled / batch.length, sentAt, now);
  }

  rateFactors(): Record<string, number> {
    return this.limiter.factors();
  }

  paceBytesPerSecond(): number {
    return this.limiter.bytesPerSecond();
  }
}
