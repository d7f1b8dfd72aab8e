import type { FirehoseTransformationResultRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureReason } from '../../pipeline/transform/failure-reason.js';
import { fitResponse } from '../../pipeline/transform/response-budget.js';

const okRecord = (recordId: string, dataBytes: number): FirehoseTransformationResultRecord => ({
  recordId,
  result: 'Ok',
  data: 'A'.repeat(Math.ceil(dataBytes / 4) * 4),
  metadata: { partitionKeys: { event_type: 'vehicle', year: '2024', month: '06', day: '01', hour: '12' } },
});

describe('fitResponse', () => {
  it('passes a response that fits through untouched', () => {
    const records = [okRecord('a', 100), okRecord('b', 100)];
    expect(fitResponse(records, 10_000)).toEqual(records);
  });

  it('never exceeds the limit, keeps every recordId in order, and only refuses what does not fit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 40 }), size: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 2 }),
        (specs, slack) => {
          const records = specs.map((s, i) => okRecord(`${i}-${s.id}`, s.size));
          // The smallest limit that can always be met: the envelope plus every record as a refusal.
          const allRefused = JSON.stringify({ records: records.map((r) => ({ recordId: r.recordId, result: 'ProcessingFailed', data: '' })) });
          const limit = Buffer.byteLength(allRefused) + slack * 2000;
          const fitted = fitResponse(records, limit);

          expect(Buffer.byteLength(JSON.stringify({ records: fitted }))).toBeLessThanOrEqual(limit);
          expect(fitted.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));
          fitted.forEach((record, i) => {
            if (record.result === 'Ok') return expect(record).toBe(records[i]);
            expect(record.data).toBe('');
            expect(failureReason(record)?.errorCode).toBe('ResponseSizeExceeded');
          });
          // Earlier records win: the first record is refused only if it alone cannot fit.
          if (fitted.length > 0 && fitted[0].result !== 'Ok') {
            expect(Buffer.byteLength(JSON.stringify({ records: [records[0], ...fitted.slice(1)] }))).toBeGreaterThan(limit);
          }
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});
