// Every record's fate in one place: the ack ledger (acks.json), counters for the verdict, the
// failure reasons, retries and the put → ack latency.
import * as hdr from 'hdr-histogram-js';
import { AckLedger } from '../pipeline/lake/acks.js';

export interface OutcomeCounts {
  acked: number;
  /** Failed for a reason other than expiry. */
  failed: number;
  expired: number;
  retries: number;
  failedByReason: Record<string, number>;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const EXPIRED = 'UserRecordExpired';

export class Outcomes {
  readonly ledger = new AckLedger();
  private acked = 0;
  private failed = 0;
  private expired = 0;
  private retries = 0;
  private unsettled = 0;
  private allSettled: (() => void) | undefined;
  private readonly byReason = new Map<string, number>();
  private readonly latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 2 });

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A record accepted on the spot (a file write). */
  ackedNow(vehicleId: string, seq: number): void {
    this.ledger.acked(vehicleId, seq);
    this.acked++;
  }

  /** Follows a producer put until it settles. */
  track(vehicleId: string, seq: number, put: Promise<{ attempts: number }>): void {
    const sentAt = this.now();
    this.unsettled++;
    put.then(
      (r) => {
        this.ledger.acked(vehicleId, seq);
        this.acked++;
        this.retries += Math.max(0, r.attempts - 1);
        this.latency.recordValue(Math.max(1, Math.round(this.now() - sentAt)));
        this.settle();
      },
      (err: { code?: string; name?: string; attempts?: unknown[] }) => {
        const reason = String(err.code ?? err.name ?? 'Error');
        this.ledger.failed(vehicleId, seq, reason);
        if (reason === EXPIRED) this.expired++;
        else this.failed++;
        this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
        this.retries += Math.max(0, (err.attempts?.length ?? 1) - 1);
        this.settle();
      },
    );
  }

  /** Resolves once every tracked put has settled. */
  settled(): Promise<void> {
    return this.unsettled === 0 ? Promise.resolve() : new Promise((resolve) => (this.allSettled = resolve));
  }

  get pending(): number {
    return this.unsettled;
  }

  counts(): OutcomeCounts {
    return { acked: this.acked, failed: this.failed, expired: this.expired, retries: this.retries, failedByReason: Object.fromEntries(this.byReason) };
  }

  latencyMs(): LatencySummary {
    const h = this.latency;
    if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
    const max = h.maxValue;
    // HDR buckets can put a percentile above the exact maximum; clamp (no percentile exceeds max).
    const at = (p: number) => Math.min(max, h.getValueAtPercentile(p));
    return { p50: at(50), p90: at(90), p99: at(99), max };
  }

  private settle(): void {
    if (--this.unsettled === 0) this.allSettled?.();
  }
}
