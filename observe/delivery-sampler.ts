// Reads the delivery stream's running counts once a second and turns them into a per-second line.
import type { DeliveryStats } from '../pipeline/delivery/delivery-stream.js';
import type { DeliveryLine } from './series-line.js';

export interface ObservedDelivery {
  stats(): DeliveryStats;
}

/** `acked()` (the producer's acknowledged records so far) turns into the lag: acknowledged and not yet read. */
export function createDeliverySampler(delivery: ObservedDelivery, acked?: () => number): (t: number) => DeliveryLine {
  let before: DeliveryStats | undefined;
  return (t) => {
    const s = delivery.stats();
    const d = (k: keyof DeliveryStats) => s[k] - (before?.[k] ?? 0);
    const line: DeliveryLine = {
      t,
      src: 'delivery',
      read: d('read'),
      transformed: d('transformedOk'),
      failed: d('failed'),
      dropped: d('dropped'),
      written: d('recordsWritten'),
      objects: d('objectsWritten'),
      pending: s.pending,
      lag: acked ? Math.max(0, acked() - s.read) : null,
    };
    before = s;
    return line;
  };
}
