import { describe, expect, it } from 'vitest';
import { ProducerMetrics } from '../../producer/metrics.js';

describe('ProducerMetrics', () => {
  it('never reports a percentile above the largest value observed', () => {
    const m = new ProducerMetrics();
    // HDR buckets at two significant digits round 436 up to 439 and 4140 up to 4159.
    for (let i = 0; i < 100; i++) m.requestTime.recordValue(436);
    for (let i = 0; i < 100; i++) m.bufferingTime.recordValue(i < 90 ? 100 : 4140);
    const { RequestTime, BufferingTime } = m.snapshot().stream;
    expect(RequestTime.max).toBe(436);
    expect(RequestTime.p99).toBe(436);
    expect(RequestTime.p50).toBe(436);
    expect(BufferingTime.max).toBe(4140);
    expect(BufferingTime.p99).toBe(4140);
  });
});
