import type { Clock } from '../../common/clock.js';

/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`, starting full.
 * Any interval of T seconds therefore admits at most capacity + rate·T.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.last = clock.now();
  }

  /** Refills for the time elapsed since the last call. */
  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
    }
  }

  /** Whether tryTake(amount) would succeed now. */
  canTake(amount: number): boolean {
    this.refill();
    return amount <= this.tokens || this.tokens >= this.capacity;
  }

  /**
   * Takes `amount` tokens if they are all there. An amount above the capacity passes only when the
   * bucket is full and leaves it in debt, so oversized records are slow but possible and the
   * long-run rate still holds.
   */
  tryTake(amount: number): boolean {
    if (!this.canTake(amount)) return false;
    this.tokens -= amount;
    return true;
  }
}
