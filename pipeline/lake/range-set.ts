/** Inclusive integer range [first, last]. */
export type Range = [number, number];

/**
 * A set of integers kept as sorted, disjoint, non-adjacent ranges: a vehicle's 1M consecutive
 * sequence numbers take one pair. Appending in order is O(1); out-of-order adds merge.
 */
export class RangeSet {
  private readonly ranges: Range[];

  constructor(ranges: readonly Range[] = []) {
    this.ranges = [];
    for (const [first, last] of ranges) this.addRange(first, last);
  }

  add(n: number): void {
    const tail = this.ranges[this.ranges.length - 1];
    if (tail && n === tail[1] + 1) tail[1] = n;
    else if (!tail || n > tail[1] + 1) this.ranges.push([n, n]);
    else this.addRange(n, n);
  }

  addRange(first: number, last: number): void {
    // Ranges overlapping or touching [first, last] are merged into one.
    const i = this.lowerBound(first - 1);
    let lo = first;
    let hi = last;
    let j = i;
    while (j < this.ranges.length && this.ranges[j][0] <= last + 1) {
      lo = Math.min(lo, this.ranges[j][0]);
      hi = Math.max(hi, this.ranges[j][1]);
      j++;
    }
    this.ranges.splice(i, j - i, [lo, hi]);
  }

  has(n: number): boolean {
    const i = this.lowerBound(n);
    return i < this.ranges.length && this.ranges[i][0] <= n;
  }

  /** How many integers of [first, last] are in the set. */
  countWithin(first: number, last: number): number {
    let count = 0;
    for (let i = this.lowerBound(first); i < this.ranges.length && this.ranges[i][0] <= last; i++) {
      count += Math.min(last, this.ranges[i][1]) - Math.max(first, this.ranges[i][0]) + 1;
    }
    return count;
  }

  get size(): number {
    return this.ranges.reduce((sum, [a, b]) => sum + b - a + 1, 0);
  }

  toJSON(): Range[] {
    return this.ranges.map(([a, b]) => [a, b]);
  }

  /** Index of the first range whose end is ≥ n. */
  private lowerBound(n: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid][1] < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
