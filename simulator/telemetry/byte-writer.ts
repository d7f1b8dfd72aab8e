// Text straight into Buffer chunks: no string per number, no rope to flatten, no re-encoding in the
// sink. A full chunk is left as it is (slices of it stay valid); `rewind` reuses the current one.
// Numbers are read from a Float64Array slot, never passed as arguments: a double argument to a call
// V8 does not inline is boxed on the heap, which at a million readings a second was most of the GC.

const ZERO = 0x30;
const MINUS = 0x2d;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Byte b as its two hex characters, as a little-endian 16-bit store. */
const HEX2 = Uint16Array.from({ length: 256 }, (_, b) => HEX[b >> 4] | (HEX[b & 15] << 8));
/**
 * Per decimals d (0–6), four numbers at DECIMALS[4d…]: the scale 10^d, its inverse, 10^(6−d) (a
 * fraction of d places as millionths), and the fast path's limit: below it the whole part fits int32,
 * and n = round(x·10^d) has ≤ 15 digits, so its decimal is the shortest text of n / 10^d (what
 * JSON.stringify prints).
 */
const DECIMALS = Float64Array.from(Array.from({ length: 7 }, (_, d) => [10 ** d, 1 / 10 ** d, 10 ** (6 - d), Math.min(1e15, 2 ** 31 * 10 ** d)]).flat());
/**
 * Bytes past the end that a write may overwrite: numbers and constants go out as whole words (up to
 * 7 stray bytes past a constant, 1 past three digits), which the next write covers. `reserve` keeps it.
 */
const SLACK = 8;

// Digits three at a time, as little-endian 32-bit words (one store per three digits, the stray
// fourth byte overwritten by what follows):
const word = (text: string) => [...text.padEnd(4, '\0')].reduce((w, c, i) => w | (c.charCodeAt(0) << (8 * i)), 0);
const pad3 = (i: number) => String(i).padStart(3, '0');
/** i < 1000 without leading zeros; its length in the top byte (a stray byte anyway). */
const WHOLE3 = Int32Array.from({ length: 1000 }, (_, i) => word(String(i).slice(0, 3)) | (String(i).length << 24));
/** i < 1000 as three digits, "007". */
const DIGITS3 = Int32Array.from({ length: 1000 }, (_, i) => word(pad3(i)));
/** "." and i < 1000 as three digits: the first three decimals. */
const DOT3 = Int32Array.from({ length: 1000 }, (_, i) => word(`.${pad3(i)}`));
/** How many of i's three digits are left without trailing zeros ("120" → 2). */
const TRIMMED3 = Uint8Array.from({ length: 1000 }, (_, i) => pad3(i).replace(/0+$/, '').length);

/**
 * Constant text (keys, `null`, cached road names) as 8-byte words, zero-padded: a key goes out in one
 * to three unaligned 64-bit stores (a 32-bit store per 4 bytes measured ~2× slower, a byte loop ~6×,
 * `Uint8Array.set` ~19 ns a call whatever the size), up to 7 stray bytes past its end that the next
 * write covers. The words pass through float registers bit for bit: no NaN can be canonicalized,
 * and valid UTF-8 (or zero padding) never even forms a NaN's bytes (0x7f or 0xff after 0xf0–0xff).
 */
export class ConstBytes {
  readonly length: number;
  readonly words: Float64Array;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.words = new Float64Array(Math.max(1, Math.ceil(bytes.length / 8))); // at least one word
    new Uint8Array(this.words.buffer).set(bytes);
  }

  static ascii(text: string): ConstBytes {
    return new ConstBytes(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  }
}
const NULL = ConstBytes.ascii('null');

// Writers at a position: each writes at `p` and returns where it ended. A caller keeps `p` in a local
// and stores it back once (no `this.pos` update per call), and may overwrite up to SLACK bytes past
// the end (whole words).

/** Constant text: two words unrolled (keys), longer text (roads) in a loop. */
export function putConst(view: DataView, p: number, c: ConstBytes): number {
  const words = c.words;
  view.setFloat64(p, words[0], true);
  if (words.length > 1) {
    view.setFloat64(p + 8, words[1], true);
    for (let i = 2; i < words.length; i++) view.setFloat64(p + 8 * i, words[i], true);
  }
  return p + c.length;
}

/** `length` bytes kept as words by `keepWords`. */
export function putWords(view: DataView, p: number, words: Float64Array, length: number): number {
  for (let i = 0, o = 0; o < length; i++, o += 8) view.setFloat64(p + o, words[i], true);
  return p + length;
}

/**
 * Keeps buf[from, to) as 8-byte words into `into` (which holds at least that many), zero-padded as
 * ConstBytes are; returns the length.
 */
export function keepWords(buf: Uint8Array, from: number, to: number, into: Float64Array): number {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  const length = to - from;
  for (let i = 0; i < length; i++) bytes[i] = buf[from + i];
  bytes.fill(0, length, Math.ceil(length / 8) * 8);
  return length;
}

/** A non-negative int32 in decimal (short: V8 inlines it where numbers are printed). */
export function putUint32(view: DataView, p: number, w: number): number {
  if (w < 1000) {
    const x = WHOLE3[w];
    view.setInt32(p, x, true);
    return p + (x >>> 24);
  }
  if (w >= 1_000_000) return putMillions(view, p, w);
  const hi = (w / 1000) | 0;
  const x = WHOLE3[hi];
  view.setInt32(p, x, true);
  p += x >>> 24;
  view.setInt32(p, DIGITS3[w - hi * 1000], true);
  return p + 3;
}

/** An int32 of 7–10 digits: its millions, then two groups of three. */
function putMillions(view: DataView, p: number, w: number): number {
  const millions = (w / 1_000_000) | 0;
  p = putUint32(view, p, millions);
  w -= millions * 1_000_000;
  const hi = (w / 1000) | 0;
  view.setInt32(p, DIGITS3[hi], true);
  view.setInt32(p + 3, DIGITS3[w - hi * 1000], true);
  return p + 6;
}

/** A non-negative int32 with at least `min` digits (zero-padded): ids and counters. */
export function putDigits(view: DataView, p: number, n: number, min: number): number {
  if (min === 6 && n < 1_000_000) {
    // Vehicle ids: two groups of three.
    const hi = (n / 1000) | 0;
    view.setInt32(p, DIGITS3[hi], true);
    view.setInt32(p + 3, DIGITS3[n - hi * 1000], true);
    return p + 6;
  }
  for (let d = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10; d < min; d++) view.setUint8(p++, ZERO);
  return putUint32(view, p, n);
}

/**
 * JSON text of vals[k] rounded to `decimals` (0–6) places, byte for byte what JSON.stringify prints
 * for Math.round(x·10^d)/10^d; NaN and ±Infinity give null. Below 2^31 · 10^d the whole part and the
 * fraction come from int32 arithmetic, three digits per store; a decimal of ≤ 15 significant digits
 * is the shortest text of its double, so the fraction without its trailing zeros is JSON.stringify's
 * text. vals[k] is read here rather than passed: a double argument to a call V8 does not inline is
 * boxed on the heap. Kept under V8's inlining limit (460 bytes of bytecode; it was 542, and every
 * number paid a call): rare paths are calls.
 */
export function putFixed(view: DataView, p: number, vals: Float64Array, k: number, decimals: number): number {
  const at = 4 * decimals;
  const scale = DECIMALS[at];
  let n = Math.round(vals[k] * scale);
  const limit = DECIMALS[at + 3];
  if (!(n < limit && n > -limit)) return putOutside(view, p, vals, k, decimals);
  if (n <= 0) {
    if (n === 0) {
      view.setUint8(p, ZERO); // also -0
      return p + 1;
    }
    n = -n;
    view.setUint8(p++, MINUS);
  }
  // n / scale by a multiply (a double divide is ~4× slower); the exact remainder corrects it.
  let whole = Math.floor(n * DECIMALS[at + 1]);
  let rest = n - whole * scale; // exact: integers below 2^53
  if (rest < 0) {
    whole--;
    rest += scale;
  } else if (rest >= scale) {
    whole++;
    rest -= scale;
  }
  const w = whole | 0;
  if (w < 1000) {
    // Most whole parts (putUint32's first case, here so it stays inline where putFixed is).
    const x = WHOLE3[w];
    view.setInt32(p, x, true);
    p += x >>> 24;
  } else p = putUint32(view, p, w);
  return rest === 0 ? p : putFraction(view, p, (rest * DECIMALS[at + 2]) | 0); // < 10^6, exact
}

/** `.` and a fraction of six places given as millionths (0 < f < 10^6), without trailing zeros. */
function putFraction(view: DataView, p: number, f: number): number {
  const hi = (f / 1000) | 0;
  const lo = f - hi * 1000;
  view.setInt32(p, DOT3[hi], true);
  if (lo === 0) return p + 1 + TRIMMED3[hi];
  view.setInt32(p + 4, DIGITS3[lo], true);
  return p + 4 + TRIMMED3[lo];
}

/**
 * putFixed beyond its fast path: NaN (an unknown speed limit: half of all readings) or large. Given
 * the slot, not the number: a double argument would be boxed.
 */
function putOutside(view: DataView, p: number, vals: Float64Array, k: number, decimals: number): number {
  const scale = DECIMALS[4 * decimals];
  const n = Math.round(vals[k] * scale);
  return n !== n ? putConst(view, p, NULL) : putSlow(view, p, n / scale);
}

/**
 * putFixed(vals, k, 3) of timestamps in seconds, the whole seconds' text copied while they repeat
 * (the readings of a step share them). Anything but a positive time below 2^31 s goes to putFixed.
 * Nothing is passed as a double: seconds are above 2^30, so as an argument they would be boxed.
 */
export class StampWriter {
  private seconds = -1;
  private length = 0;
  private readonly words = new Int32Array(3);

  put(view: DataView, p: number, vals: Float64Array, k: number): number {
    const ms = Math.round(vals[k] * 1000);
    const s = Math.floor(ms / 1000); // exact: a quotient of integers below 2^53 is never rounded up to the next integer here
    if (!(ms >= 1000 && s < 2 ** 31)) return putFixed(view, p, vals, k, 3);
    const words = this.words;
    if (s !== this.seconds) {
      const end = putUint32(view, p, s);
      for (let i = 0, o = p; o < end; i++, o += 4) words[i] = view.getInt32(o, true);
      this.seconds = s;
      this.length = end - p;
      p = end;
    } else {
      view.setInt32(p, words[0], true);
      view.setInt32(p + 4, words[1], true);
      view.setInt32(p + 8, words[2], true);
      p += this.length;
    }
    const rest = ms - s * 1000;
    if (rest === 0) return p;
    view.setInt32(p, DOT3[rest], true);
    return p + 1 + TRIMMED3[rest];
  }
}

/**
 * Keys with the numbers that follow them, in order: `{"k1":v1,"k2":v2…` printed in one loop (one call
 * per group, `putFixed` inlined once), the keys' words laid out end to end.
 */
export class KeyedNumbers {
  readonly words: Float64Array;
  /** Key i's words are words[wordEnd[i - 1], wordEnd[i]). */
  readonly wordEnd: Int32Array;
  readonly keyLength: Int32Array;
  readonly slots: Int32Array;
  readonly decimals: Int32Array;

  /** @param fields each number's key, its slot in the values and its decimals */
  constructor(fields: readonly { key: ConstBytes; slot: number; decimals: number }[]) {
    this.words = Float64Array.from(fields.flatMap((f) => [...f.key.words]));
    let end = 0;
    this.wordEnd = Int32Array.from(fields, (f) => (end += f.key.words.length));
    this.keyLength = Int32Array.from(fields, (f) => f.key.length);
    this.slots = Int32Array.from(fields, (f) => f.slot);
    this.decimals = Int32Array.from(fields, (f) => f.decimals);
  }
}

/** Each key of `fields` and its number (see `putFixed`). */
export function putKeyedNumbers(view: DataView, p: number, fields: KeyedNumbers, vals: Float64Array): number {
  const words = fields.words;
  const wordEnd = fields.wordEnd;
  const keyLength = fields.keyLength;
  const slots = fields.slots;
  const decimals = fields.decimals;
  for (let i = 0, w = 0; i < slots.length; i++) {
    for (let q = p, end = wordEnd[i]; w < end; w++, q += 8) view.setFloat64(q, words[w], true);
    p = putFixed(view, p + keyLength[i], vals, slots[i], decimals[i]);
  }
  return p;
}

/** Beyond the fast path (or ±Infinity): JSON.stringify's text (never on the hot path). */
function putSlow(view: DataView, p: number, x: number): number {
  const s = JSON.stringify(x);
  for (let i = 0; i < s.length; i++) view.setUint8(p++, s.charCodeAt(i));
  return p;
}

/**
 * An RFC 4122 version-4 UUID's 36 characters from four random 32-bit words u[at, at + 4) (see
 * events/uuid.ts), in nine 32-bit stores: `aaaaaaaa-bbbb-4bbb-Vccc-ccccdddddddd` (V: 8 | two bits of
 * c). The words are read from the array, and the work is split in two, so V8 inlines both halves
 * where a reading is written (as one function of 625 bytes of bytecode it was a call, and words
 * above 2^30 passed to it were boxed).
 */
export function putUuid(view: DataView, p: number, u: Int32Array, at: number): number {
  const a = u[at];
  const b = u[at + 1];
  view.setInt32(p, HEX2[a >>> 24] | (HEX2[(a >>> 16) & 255] << 16), true);
  view.setInt32(p + 4, HEX2[(a >>> 8) & 255] | (HEX2[a & 255] << 16), true);
  view.setInt32(p + 8, MINUS | (HEX2[b >>> 24] << 8) | (HEX[(b >>> 20) & 15] << 24), true);
  view.setInt32(p + 12, HEX[(b >>> 16) & 15] | (MINUS << 8) | (HEX[4] << 16) | (HEX[(b >>> 8) & 15] << 24), true);
  view.setInt32(p + 16, HEX2[b & 255] | (MINUS << 16) | (HEX[8 | ((u[at + 2] >>> 28) & 3)] << 24), true);
  return putUuidTail(view, p + 20, u, at);
}

/** `ccc-ccccdddddddd`: the last 16 characters of putUuid's. */
function putUuidTail(view: DataView, p: number, u: Int32Array, at: number): number {
  const c = u[at + 2];
  const d = u[at + 3];
  view.setInt32(p, HEX[(c >>> 24) & 15] | (HEX2[(c >>> 16) & 255] << 8) | (MINUS << 24), true);
  view.setInt32(p + 4, HEX2[(c >>> 8) & 255] | (HEX2[c & 255] << 16), true);
  view.setInt32(p + 8, HEX2[d >>> 24] | (HEX2[(d >>> 16) & 255] << 16), true);
  view.setInt32(p + 12, HEX2[(d >>> 8) & 255] | (HEX2[d & 255] << 16), true);
  return p + 16;
}

export class ByteWriter {
  buf: Buffer = Buffer.alloc(0);
  /** The same bytes for multi-byte stores (the `put…` writers). */
  view = new DataView(this.buf.buffer, this.buf.byteOffset, 0);
  pos = 0;
  /** Where `fixed` and `uint` take their argument from (see `putFixed`). */
  private readonly scratch = new Float64Array(1);
  /** Where `uuid` takes its words from (see `putUuid`). */
  private readonly words = new Int32Array(4);

  /** @param chunkBytes size of a new chunk (a larger one when a single write needs more). */
  constructor(private readonly chunkBytes = 256 * 1024) {}

  /**
   * Room for `n` more bytes in the current chunk (and SLACK past them); a full chunk is left as it is
   * and a new one begun.
   */
  reserve(n: number): void {
    if (this.pos + n + SLACK > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, n + SLACK));
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
      this.pos = 0;
    }
  }

  /**
   * Room for `n` more bytes for a line begun at `start` in the current chunk: if it does not fit, the
   * line so far moves to a new chunk. Returns where the line now starts.
   */
  reserveFrom(start: number, n: number): number {
    if (this.pos + n + SLACK <= this.buf.length) return start;
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
    this.pos = putConst(this.view, this.pos, c);
  }

  /** A string known to be ASCII (our own ids and class names). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A non-negative int32 with at least `min` digits (zero-padded): ids and counters. */
  digits(n: number, min: number): void {
    this.pos = putDigits(this.view, this.pos, n, min);
  }

  /** A non-negative integer below 1e15. */
  uint(n: number): void {
    this.scratch[0] = n;
    this.pos = putFixed(this.view, this.pos, this.scratch, 0, 0);
  }

  /** `putFixed` of a number argument (tests, rare fields). */
  fixed(x: number, decimals: number): void {
    this.scratch[0] = x;
    this.pos = putFixed(this.view, this.pos, this.scratch, 0, decimals);
  }

  /** An RFC 4122 version-4 UUID's 36 characters from four random 32-bit words (see events/uuid.ts). */
  uuid(a: number, b: number, c: number, d: number): void {
    const u = this.words;
    u[0] = a;
    u[1] = b;
    u[2] = c;
    u[3] = d;
    this.pos = putUuid(this.view, this.pos, u, 0);
  }
}
