// Seeded PRNG (sfc32, 128-bit state) with independent streams. The simulator gives every vehicle its own
// stream keyed by (seed, vehicle index), so a vehicle's events do not depend on which other
// vehicles share the process (`--worker i/n` splits reproduce the full run vehicle by vehicle).
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Raw 32-bit unsigned integer. */
  u32(): number;
  /**
   * Draws up to `limit` uniforms, as `next` would, stopping at the first below `p`: returns how many
   * were drawn plus that uniform (k + u, exact: u has 32 bits), or −1 when none of the `limit` was.
   * The same stream as a loop of `next()`, without a call per draw (a demand model scans a day by the minute).
   */
  drawUntilBelow(p: number, limit: number): number;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function createRng(seed: number, stream = 0): Rng {
  return new Sfc32(new Int32Array(4), 0, seed, stream);
}

/**
 * The same generator with its 128-bit state in `state[base, base + 4)`: a fleet keeps every
 * vehicle's stream in one Int32Array and draws from it without a boxed number per draw (sfc32Word).
 */
export function createRngIn(state: Int32Array, base: number, seed: number, stream = 0): Rng {
  return new Sfc32(state, base, seed, stream);
}

/** One raw sfc32 word (as an int32) from the state at `state[base, base + 4)`, advancing it. */
export function sfc32Word(state: Int32Array, base: number): number {
  const a = state[base];
  const b = state[base + 1];
  const c = state[base + 2];
  const d = state[base + 3];
  const t = (((a + b) | 0) + d) | 0;
  state[base + 3] = (d + 1) | 0;
  state[base] = b ^ (b >>> 9);
  state[base + 1] = (c + (c << 3)) | 0;
  state[base + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t;
}

/** Uniform in [0, 1) from the state at `state[base, base + 4)` (Rng.next of that stream). */
export function sfc32Uniform(state: Int32Array, base: number): number {
  return (sfc32Word(state, base) >>> 0) / 4294967296;
}

// A class rather than closures: a fleet holds one generator per vehicle, and prototype methods keep
// each one at a few dozen bytes. Its state is four int32 words in a typed array (its own, or a
// fleet's), so a draw stores no boxed number.
class Sfc32 implements Rng {
  constructor(
    private readonly state: Int32Array,
    private readonly base: number,
    seed: number,
    stream: number,
  ) {
    const a = splitmix32(seed ^ 0x5bd1e995);
    const b = splitmix32(a ^ stream);
    const c = splitmix32(b + stream * 0x27d4eb2d);
    state[base] = a;
    state[base + 1] = b;
    state[base + 2] = c;
    state[base + 3] = splitmix32(c ^ 0x165667b1);
    for (let i = 0; i < 12; i++) sfc32Word(state, base);
  }

  u32(): number {
    return sfc32Word(this.state, this.base) >>> 0;
  }

  next(): number {
    return sfc32Uniform(this.state, this.base);
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  drawUntilBelow(p: number, limit: number): number {
    // sfc32Word with the state in locals; u < p exactly when the word is below p · 2^32 (u = word / 2^32).
    const state = this.state;
    const base = this.base;
    const below = p * 4294967296;
    let a = state[base];
    let b = state[base + 1];
    let c = state[base + 2];
    let d = state[base + 3];
    let k = 0;
    let w = below;
    while (k < limit && !(w < below)) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      w = t >>> 0;
      k++;
    }
    state[base] = a;
    state[base + 1] = b;
    state[base + 2] = c;
    state[base + 3] = d;
    return w < below ? k + w / 4294967296 : -1;
  }
}
