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

  /** The integers in both sets. */
  intersect(other: RangeSet): RangeSet {
    const out = new RangeSet();
    const a = this.ranges;
    const b = other.ranges;
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      const first = Math.max(a[i][0], b[j][0]);
      const last = Math.min(a[i][1], b[j][1]);
      if (first <= last) out.ranges.push([first, last]);
      if (a[i][1] < b[j][1]) i++;
      else j++;
    }
    return out;
  }

  /** The integers of this set that are not in `other`. */
  subtract(other: RangeSet): RangeSet {
    const out = new RangeSet();
    const b = other.ranges;
    let j = 0;
    for (const [first, last] of this.ranges) {
      let from = first;
      while (j < b.length && b[j][1] < from) j++;
      for (let k = j; k < b.length && b[k][0] <= last && from <= last; k++) {
        if (b[k][0] > from) out.ranges.push([from, b[k][0] - 1]);
        from = Math.max(from, b[k][1] + 1);
      }
      if (from <= last) out.ranges.push([from, last]);
    }
    return out;
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
