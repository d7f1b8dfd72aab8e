// Bounded in-memory series: at most `maxPoints` points per source. When full, neighbouring points
// are merged pairwise and later points are averaged over twice as many seconds, so a long run keeps
// its whole shape at a coarser grain and memory stays flat.
import type { SeriesLine, SeriesSource } from './series-line.js';

type Numeric = number | null | { [key: string]: Numeric };

/** Weighted mean of two values of the same shape; missing keys count as 0, p99 keeps the maximum. */
function mean(a: Numeric | undefined, b: Numeric | undefined, wa: number, wb: number, key = ''): Numeric {
  if (typeof a === 'number' || typeof b === 'number' || a === null || b === null || a === undefined || b === undefined) {
    const x = typeof a === 'number' ? a : null;
    const y = typeof b === 'number' ? b : null;
    if (x === null || y === null) return x ?? y;
    if (key.startsWith('p99')) return Math.max(x, y);
    return (x * wa + y * wb) / (wa + wb);
  }
  const out: Record<string, Numeric> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const va = a[k] ?? (typeof b[k] === 'number' ? 0 : b[k] === null ? null : {});
    const vb = b[k] ?? (typeof a[k] === 'number' ? 0 : a[k] === null ? null : {});
    out[k] = mean(va, vb, wa, wb, k);
  }
  return out;
}

/** Merges two lines of one source: `t` of the first, numbers as weighted means; positions are not kept here. */
export function mergeLines<L extends SeriesLine>(a: L, b: L, wa = 1, wb = 1): L {
  const { t, src, ...restA } = a as SeriesLine & Record<string, unknown>;
  const { t: _t, src: _s, ...restB } = b as SeriesLine & Record<string, unknown>;
  delete restA.positions;
  delete restB.positions;
  const merged = mean(restA as Numeric, restB as Numeric, wa, wb) as Record<string, unknown>;
  if (src === 'simulator') merged.positions = [];
  return { t, src, ...merged } as L;
}

class Bucketed<L extends SeriesLine> {
  private readonly full: L[] = [];
  /** Seconds each stored point stands for. */
  width = 1;
  private pending: L | undefined;
  private pendingCount = 0;

  constructor(private readonly maxPoints: number) {}

  add(line: L): void {
    this.pending = this.pending === undefined ? line : mergeLines(this.pending, line, this.pendingCount, 1);
    this.pendingCount++;
    if (this.pendingCount < this.width) return;
    this.full.push(this.pending);
    this.pending = undefined;
    this.pendingCount = 0;
    if (this.full.length > this.maxPoints) this.halve();
  }

  /** The full buckets and the one still filling, so the latest seconds always show. */
  points(): L[] {
    return this.pending ? [...this.full, this.pending] : this.full;
  }

  private halve(): void {
    const merged: L[] = [];
    for (let i = 0; i + 1 < this.full.length; i += 2) merged.push(mergeLines(this.full[i], this.full[i + 1]));
    const odd = this.full.length % 2 === 1 ? this.full[this.full.length - 1] : undefined;
    this.full.length = 0;
    this.full.push(...merged);
    this.width *= 2;
    // A leftover point starts the next bucket, so no second is lost.
    if (odd) {
      this.pending = odd;
      this.pendingCount = this.width / 2;
    }
  }
}

export class SeriesStore {
  private readonly bySource = new Map<SeriesSource, Bucketed<SeriesLine>>();

  constructor(private readonly maxPoints = 1800) {}

  add(line: SeriesLine): void {
    let b = this.bySource.get(line.src);
    if (!b) {
      b = new Bucketed(this.maxPoints);
      this.bySource.set(line.src, b);
    }
    b.add(line);
  }

  points<S extends SeriesSource>(src: S): Array<Extract<SeriesLine, { src: S }>> {
    return (this.bySource.get(src)?.points() ?? []) as Array<Extract<SeriesLine, { src: S }>>;
  }

  /** Seconds per point of a source (1 until the first downsampling; the last point may hold fewer). */
  width(src: SeriesSource): number {
    return this.bySource.get(src)?.width ?? 1;
  }
}
