// The shared partition-key rule (common/partition-key.ts) against kinesis-mock (npm kinesis-local)
// as a second implementation, and the producer and the gate using the same rule.
import { CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidPartitionKeyLength, partitionKeyLength } from '../../common/partition-key.js';
import { wellFormedRecords } from '../../pipeline/stream/put-records.js';
import { KinesisProducer, createLocalKinesisClient } from '../../producer/index.js';
import { startKinesisLocal } from '../stream/support/kinesis-local.js';
import { waitForActive } from '../../pipeline/stream/streams.js';

const CAR = '🚗'; // one Unicode character, two UTF-16 units

describe('partition-key length rule', () => {
  it('counts Unicode characters (code points), as the Kinesis API reference and its Smithy model do', () => {
    expect(partitionKeyLength('vehicle-1')).toBe(9);
    expect(partitionKeyLength(CAR.repeat(256))).toBe(256);
    expect(partitionKeyLength(`a${CAR}ü`)).toBe(3);
    expect(partitionKeyLength('\uD800x')).toBe(2); // a lone surrogate is one character
    expect([0, 1, 256, 257].map((n) => isValidPartitionKeyLength('k'.repeat(n)))).toEqual([false, true, true, false]);
    expect(isValidPartitionKeyLength(CAR.repeat(256))).toBe(true);
    expect(isValidPartitionKeyLength(CAR.repeat(257))).toBe(false);
    expect(isValidPartitionKeyLength(`${CAR.repeat(255)}ab`)).toBe(false);
  });

  it('is the rule of both the producer and the gate', () => {
    const producer = new KinesisProducer({ client: { send: () => new Promise(() => {}) }, streamName: 's', metricsIntervalMs: 0 });
    for (const key of ['', 'k', 'k'.repeat(256), 'k'.repeat(257), CAR.repeat(256), CAR.repeat(257)]) {
      const gateAccepts = wellFormedRecords([{ Data: '', PartitionKey: key }]) !== undefined;
      let producerAccepts = true;
      try {
        void producer.put({ partitionKey: key, data: '' }).catch(() => {});
      } catch {
        producerAccepts = false;
      }
      expect({ key: key.slice(0, 4), gateAccepts, producerAccepts }).toEqual({ key: key.slice(0, 4), gateAccepts: isValidPartitionKeyLength(key), producerAccepts: isValidPartitionKeyLength(key) });
    }
  });

  describe('against kinesis-mock (kinesis-local)', () => {
    let local: Awaited<ReturnType<typeof startKinesisLocal>>;
    let client: ReturnType<typeof createLocalKinesisClient>;
    beforeAll(async () => {
      local = await startKinesisLocal();
      client = createLocalKinesisClient({ endpoint: local.endpoint, requestTimeoutMs: 5_000 });
      await client.send(new CreateStreamCommand({ StreamName: 'keys', ShardCount: 1 }));
      await waitForActive(client, 'keys');
    }, 60_000);
    afterAll(async () => {
      client?.destroy();
      await local?.close();
    });

    async function accepts(key: string): Promise<boolean> {
      try {
        const out = await client.send(new PutRecordsCommand({ StreamName: 'keys', Records: [{ PartitionKey: key, Data: new Uint8Array(1) }] }));
        return out.FailedRecordCount === 0;
      } catch (error) {
        if ((error as Error).name === 'InvalidArgumentException' || (error as Error).name === 'ValidationException') return false;
        throw error;
      }
    }

    it('agrees on keys of one UTF-16 unit per character (the limits 1 and 256)', async () => {
      for (const key of ['k', 'k'.repeat(256), 'ü'.repeat(256), 'k'.repeat(257), 'ü'.repeat(257)]) {
        expect({ key: key.slice(0, 2), length: key.length, ok: await accepts(key) }).toEqual({ key: key.slice(0, 2), length: key.length, ok: isValidPartitionKeyLength(key) });
      }
    });

    it('differs on characters outside the BMP: kinesis-mock counts UTF-16 units, AWS counts characters', async () => {
      expect(await accepts(CAR.repeat(128))).toBe(true);
      expect(await accepts(CAR.repeat(129))).toBe(false); // 258 units: kinesis-mock's rule
      expect(isValidPartitionKeyLength(CAR.repeat(129))).toBe(true); // 129 characters: the documented rule
    });
  });
});
