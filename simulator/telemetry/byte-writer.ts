// Text straight into Buffer chunks: no string per number, no rope to flatten, no re-encoding in the
// sink. A full chunk is left as it is (slices of it stay valid); `rewind` reuses the current one.
// Numbers are read from a Float64Array slot, never passed as arguments: a double argument to a call
// V8 does not inline is boxed on the heap, which at a million readings a second was most of the GC.

const ZERO = 0x30;
const MINUS = 0x2d;
const DOT = 0x2e;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Byte b as its two hex characters, as a little-endian 16-bit store. */
const HEX2 = Uint16Array.from({ length: 256 }, (_, b) => HEX[b >> 4] | (HEX[b & 15] << 8));
const SCALE = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
const INVERSE = SCALE.map((s) => 1 / s);
// Fast path below these (per decimals): the whole part fits int32, and n = round(x·10^d) has ≤ 15
// digits, so its decimal is the shortest text of n / 10^d (what JSON.stringify prints).
const FAST_LIMIT = SCALE.map((s) => Math.min(1e15, 2 ** 31 * s));
/** "00" … "99" as little-endian 16-bit stores: two digits per division and per store. */
const PAIRS = Uint16Array.from({ length: 100 }, (_, i) => (ZERO + Math.floor(i / 10)) | ((ZERO + (i % 10)) << 8));

/**
 * Constant text (keys, `null`, cached road names) as 32-bit words: a key goes out in a few unaligned
 * 4-byte stores instead of one store per byte (~3× faster here). The last word overlaps the one
 * before it so any length ≥ 4 is exact; shorter texts go byte by byte.
 */
export class ConstBytes {
  readonly length: number;
  readonly words: Int32Array;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.length = bytes.length;
    const n = Math.ceil(bytes.length / 4);
    this.words = new Int32Array(bytes.length < 4 ? 0 : n);
    if (bytes.length < 4) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < n; i++) this.words[i] = view.getInt32(Math.min(i * 4, bytes.length - 4), true);
  }

  static ascii(text: string): ConstBytes {
    return new ConstBytes(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  }
}
const NULL = ConstBytes.ascii('null');

export class ByteWriter {
  buf: Buffer = Buffer.alloc(0);
  /** The same bytes for multi-byte stores. */
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, 0);
  pos = 0;
  /** Where `fixed` and `uint` take their argument from (see `fixedAt`). */
  private readonly scratch = new Float64Array(1);

  /** @param chunkBytes size of a new chunk (a larger one when a single write needs more). */
  constructor(private readonly chunkBytes = 256 * 1024) {}

  /** Room for `n` more bytes in the current chunk; a full chunk is left as it is and a new one begun. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, n));
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
      this.pos = 0;
    }
  }

  /**
   * Room for `n` more bytes for a line begun at `start` in the current chunk: if it does not fit, the
   * line so far moves to a new chunk. Returns where the line now starts.
   */
  reserveFrom(start: number, n: number): number {
    if (this.pos + n <= this.buf.length) return start;
    const old = this.buf;
    const length = this.pos - start;
    this.pos = this.buf.length; // a full chunk: reserve begins a new one
    this.reserve(length + n);
    old.copy(this.buf, 0, start, start + length);
    this.pos = length;
    return 0;
  }

  /** Writes from the start of the current chunk again: only once nothing written to it is needed. */
  rewind(): void {
    this.pos = 0;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Bytes of a constant (keys, fixed text). */
  bytes(c: ConstBytes): void {
    const p = this.pos;
    const len = c.length;
    const words = c.words;
    const last = words.length - 1;
    if (last < 0) {
      const b = c.bytes;
      for (let i = 0; i < len; i++) this.buf[p + i] = b[i];
    } else {
      const view = this.view;
      for (let i = 0; i < last; i++) view.setInt32(p + i * 4, words[i], true);
      view.setInt32(p + len - 4, words[last], true);
    }
    this.pos = p + len;
  }

  /**
   * `length` bytes kept by `keep` (whole 32-bit words: up to 3 bytes past them are overwritten, and
   * the caller writes over those next; needs that much room past `length`).
   */
  words(words: Int32Array, length: number): void {
    const view = this.view;
    const p = this.pos;
    for (let i = 0, o = 0; o < length; i++, o += 4) view.setInt32(p + o, words[i], true);
    this.pos = p + length;
  }

  /** Keeps buf[from, pos) as words for `words` (into `into`, which holds at least that many). */
  keep(from: number, into: Int32Array): number {
    const view = this.view;
    const length = this.pos - from;
    for (let i = 0, o = 0; o < length; i++, o += 4) into[i] = view.getInt32(from + o, true);
    return length;
  }

  /** A string known to be ASCII (our own ids and class names). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /**
   * A non-negative int32 with at least `min` digits (zero-padded): ids and counters, from small
   * integers V8 passes unboxed.
   */
  digits(n: number, min: number): void {
    let d = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    if (d < min) d = min;
    const buf = this.buf;
    const view = this.view;
    const p = this.pos;
    let e = p + d;
    this.pos = e;
    while (n >= 100) {
      const q = (n / 100) | 0;
      e -= 2;
      view.setUint16(e, PAIRS[n - q * 100], true);
      n = q;
    }
    if (n >= 10) {
      e -= 2;
      view.setUint16(e, PAIRS[n], true);
    } else buf[--e] = ZERO + n;
    while (e > p) buf[--e] = ZERO;
  }

  /** A non-negative integer below 1e15. */
  uint(n: number): void {
    this.scratch[0] = n;
    this.fixedAt(this.scratch, 0, 0);
  }

  /** `fixedAt` of a number argument (tests, rare fields). */
  fixed(x: number, decimals: number): void {
    this.scratch[0] = x;
    this.fixedAt(this.scratch, 0, decimals);
  }

  /**
   * JSON text of vals[k] rounded to `decimals` (0–6) places, byte for byte what JSON.stringify prints
   * for Math.round(x·10^d)/10^d; NaN and ±Infinity give null. Below 2^31 · 10^d the digits come from
   * int32 arithmetic, two per division; a decimal of ≤ 15 significant digits is the shortest text of
   * its double, so stripping the fraction's trailing zeros gives JSON.stringify's text.
   */
  fixedAt(vals: Float64Array, k: number, decimals: number): void {
    const scale = SCALE[decimals];
    let n = Math.round(vals[k] * scale);
    const limit = FAST_LIMIT[decimals];
    if (!(n < limit && n > -limit)) {
      if (n !== n) this.bytes(NULL); // NaN: an unknown speed limit
      else this.slowFixed(n, scale);
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    if (n < 0) {
      n = -n;
      buf[p++] = MINUS;
    } else if (n === 0) {
      buf[p] = ZERO; // also -0
      this.pos = p + 1;
      return;
    }
    // n / scale by a multiply (a double divide is ~4× slower); the exact remainder corrects it.
    let whole = Math.floor(n * INVERSE[decimals]);
    let rest = n - whole * scale; // exact: integers below 2^53
    if (rest < 0) {
      whole--;
      rest += scale;
    } else if (rest >= scale) {
      whole++;
      rest -= scale;
    }
    let w = whole | 0;
    let frac = rest | 0; // < 10^6
    let places = 0;
    if (frac !== 0) {
      places = decimals;
      while (frac % 10 === 0) {
        frac = (frac / 10) | 0;
        places--;
      }
    }
    const digits = w < 10 ? 1 : w < 100 ? 2 : w < 1000 ? 3 : w < 10000 ? 4 : w < 100000 ? 5 : w < 1000000 ? 6 : w < 10000000 ? 7 : w < 100000000 ? 8 : w < 1000000000 ? 9 : 10;
    const end = p + digits + (places === 0 ? 0 : places + 1);
    const view = this.view;
    let e = end;
    if (places !== 0) {
      let left = places;
      for (; left >= 2; left -= 2) {
        const q = (frac / 100) | 0;
        e -= 2;
        view.setUint16(e, PAIRS[frac - q * 100], true);
        frac = q;
      }
      if (left === 1) buf[--e] = ZERO + frac;
      buf[--e] = DOT;
    }
    while (w >= 100) {
      const q = (w / 100) | 0;
      e -= 2;
      view.setUint16(e, PAIRS[w - q * 100], true);
      w = q;
    }
    if (w >= 10) view.setUint16(e - 2, PAIRS[w], true);
    else buf[e - 1] = ZERO + w;
    this.pos = end;
  }

  /** Beyond the fast path (or NaN, ±Infinity): JSON.stringify's text (never on the hot path). */
  private slowFixed(n: number, scale: number): void {
    this.ascii(JSON.stringify(n / scale));
  }

  /** An RFC 4122 version-4 UUID's 36 characters from four random 32-bit words (see events/uuid.ts). */
  uuid(a: number, b: number, c: number, d: number): void {
    const view = this.view;
    const buf = this.buf;
    const p = this.pos;
    view.setUint16(p, HEX2[(a >>> 24) & 255], true);
    view.setUint16(p + 2, HEX2[(a >>> 16) & 255], true);
    view.setUint16(p + 4, HEX2[(a >>> 8) & 255], true);
    view.setUint16(p + 6, HEX2[a & 255], true);
    buf[p + 8] = MINUS;
    view.setUint16(p + 9, HEX2[(b >>> 24) & 255], true);
    view.setUint16(p + 11, HEX2[(b >>> 16) & 255], true);
    buf[p + 13] = MINUS;
    buf[p + 14] = HEX[4];
    buf[p + 15] = HEX[(b >>> 8) & 15];
    view.setUint16(p + 16, HEX2[b & 255], true);
    buf[p + 18] = MINUS;
    buf[p + 19] = HEX[8 | ((c >>> 28) & 3)];
    buf[p + 20] = HEX[(c >>> 24) & 15];
    view.setUint16(p + 21, HEX2[(c >>> 16) & 255], true);
    buf[p + 23] = MINUS;
    view.setUint16(p + 24, HEX2[(c >>> 8) & 255], true);
    view.setUint16(p + 26, HEX2[c & 255], true);
    view.setUint16(p + 28, HEX2[(d >>> 24) & 255], true);
    view.setUint16(p + 30, HEX2[(d >>> 16) & 255], true);
    view.setUint16(p + 32, HEX2[(d >>> 8) & 255], true);
    view.setUint16(p + 34, HEX2[d & 255], true);
    this.pos = p + 36;
  }
}
