// Text straight into Buffer chunks: no string per number, no rope to flatten, no re-encoding in the
// sink. A full chunk is left as it is (slices of it stay valid); `rewind` reuses the current one.

const ZERO = 0x30;
const MINUS = 0x2d;
const DOT = 0x2e;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const SCALE = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
// Below this, the digits of Math.round(x·10^d) with d decimals are exactly JSON.stringify of
// Math.round(x·10^d)/10^d: a decimal of ≤ 15 significant digits is the shortest text of its double.
const EXACT_LIMIT = 1e15;

export class ByteWriter {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;

  /** @param chunkBytes size of a new chunk (a larger one when a single write needs more). */
  constructor(private readonly chunkBytes = 256 * 1024) {}

  /** Room for `n` more bytes in the current chunk; a full chunk is left as it is and a new one begun. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, n));
      this.pos = 0;
    }
  }

  /** Writes from the start of the current chunk again: only once nothing written to it is needed. */
  rewind(): void {
    this.pos = 0;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Bytes of a constant (keys, fixed text). */
  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i];
    this.pos = p;
  }

  /** A key (`,"name":`) and its number: `fixed(x, decimals)`. */
  field(key: Uint8Array, x: number, decimals: number): void {
    this.bytes(key);
    this.fixed(x, decimals);
  }

  /** A string known to be ASCII (our own ids and class names). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A non-negative integer below 1e15. */
  uint(n: number): void {
    const buf = this.buf;
    if (n < 0x80000000) {
      let v = n | 0; // int32 arithmetic from here
      let digits = 1;
      for (let lim = 10; v >= lim && digits < 10; lim *= 10) digits++;
      let p = this.pos + digits;
      this.pos = p;
      do {
        const q = (v / 10) | 0;
        buf[--p] = ZERO + v - q * 10;
        v = q;
      } while (v > 0);
      return;
    }
    let digits = 1;
    for (let lim = 10; n >= lim; lim *= 10) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      const d = n % 10;
      buf[--p] = ZERO + d;
      n = (n - d) / 10;
    } while (n > 0);
  }

  /**
   * JSON text of x rounded to `decimals` (0–6) places, byte for byte what JSON.stringify prints for
   * Math.round(x·10^d)/10^d; NaN and ±Infinity give null. (From 7 places on, JSON.stringify would
   * print values below 1e-6 with an exponent; this writes them out.)
   */
  fixed(x: number, decimals: number): void {
    const scale = SCALE[decimals];
    let n = Math.round(x * scale);
    if (n === 0) {
      this.buf[this.pos++] = ZERO; // also -0
      return;
    }
    if (!(Math.abs(n) < EXACT_LIMIT)) {
      this.ascii(JSON.stringify(n / scale));
      return;
    }
    if (n < 0) {
      this.buf[this.pos++] = MINUS;
      n = -n;
    }
    const whole = Math.floor(n / scale);
    let frac = (n - whole * scale) | 0; // < 10^6: int32 arithmetic (a double % is a slow call)
    this.uint(whole);
    if (frac === 0) return;
    let places = decimals;
    while (frac % 10 === 0) {
      frac = (frac / 10) | 0;
      places--;
    }
    const buf = this.buf;
    buf[this.pos++] = DOT;
    // The fraction right-aligned in `places` digits: leading zeros come for free.
    const end = this.pos + places;
    for (let p = end; p > this.pos; ) {
      const q = (frac / 10) | 0;
      buf[--p] = ZERO + frac - q * 10;
      frac = q;
    }
    this.pos = end;
  }

  /** An RFC 4122 version-4 UUID's 36 characters from four random 32-bit words (see events/uuid.ts). */
  uuid(a: number, b: number, c: number, d: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let s = 28; s >= 0; s -= 4) buf[p++] = HEX[(a >>> s) & 15];
    buf[p++] = MINUS;
    for (let s = 28; s >= 16; s -= 4) buf[p++] = HEX[(b >>> s) & 15];
    buf[p++] = MINUS;
    buf[p++] = HEX[4];
    for (let s = 8; s >= 0; s -= 4) buf[p++] = HEX[(b >>> s) & 15];
    buf[p++] = MINUS;
    buf[p++] = HEX[8 | ((c >>> 28) & 3)];
    for (let s = 24; s >= 16; s -= 4) buf[p++] = HEX[(c >>> s) & 15];
    buf[p++] = MINUS;
    for (let s = 12; s >= 0; s -= 4) buf[p++] = HEX[(c >>> s) & 15];
    for (let s = 28; s >= 0; s -= 4) buf[p++] = HEX[(d >>> s) & 15];
    this.pos = p;
  }
}
