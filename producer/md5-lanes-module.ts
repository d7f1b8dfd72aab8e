// Emits a WebAssembly module that runs MD5 on four messages at once, one per 32-bit lane of a
// SIMD register (RFC 1321's steps, unrolled). MD5 is a chain of dependent steps, so one message
// keeps a core's vector units mostly idle; four independent ones fill them. Emitted here as bytes
// rather than shipped as a binary, so what runs can be read (and no toolchain is needed).
//
// The module exports `mem` and `md5(blocks)`. Its control area, at address 0:
//   0..15    the four lanes' read pointers (i32), advanced as blocks are read;
//   16..31   each lane's stride per block: 64, or 0 for a lane left out;
//   32..95   the state words A, B, C, D, one v128 each, lane k in bytes 4k..4k+3;
//   96..111  a mask: all ones for a lane whose state is kept, zero for one left out.
// `md5(n)` runs n 64-byte blocks (already padded by the caller) on every lane.

export const CONTROL = { pointers: 0, strides: 16, state: 32, mask: 96, bytes: 1024 } as const;

const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const SINES = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
/** The message word step i reads. */
function wordOf(i: number): number {
  if (i < 16) return i;
  if (i < 32) return (5 * i + 1) % 16;
  if (i < 48) return (3 * i + 5) % 16;
  return (7 * i) % 16;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

// Opcodes used (core and SIMD: https://webassembly.github.io/spec/core/binary/instructions.html).
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  void: 0x40,
} as const;
const simd = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  load32Lane: 0x56,
  load32Zero: 0x5c,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  shl: 0xab,
  shrU: 0xad,
  add: 0xae,
} as const;

/** The module's bytes. */
export function md5LanesModule(): Uint8Array {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]): void => {
    for (const p of parts) {
      if (typeof p === 'number') code.push(p);
      else for (const b of p) code.push(b);
    }
  };
  const get = (local: number) => [op.localGet, ...uleb(local)];
  const set = (local: number) => [op.localSet, ...uleb(local)];
  const tee = (local: number) => [op.localTee, ...uleb(local)];
  const i32 = (value: number) => [op.i32Const, ...sleb(value)];
  const memarg = (alignLog2: number, offset: number) => [...uleb(alignLog2), ...uleb(offset)];
  const v = (code: number, ...rest: number[]) => [0xfd, ...uleb(code), ...rest];
  const splat = (value: number) => v(simd.const, ...new Uint8Array(new Int32Array([value, value, value, value]).buffer));

  // Locals: 0 the block count (the parameter); 1-4 the lane pointers (i32); then v128s.
  const BLOCKS = 0;
  const ptr = [1, 2, 3, 4];
  const [A, B, C, D, AA, BB, CC, DD, MASK, T] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const M = Array.from({ length: 16 }, (_, j) => 15 + j);
  const v128Locals = 10 + 16;

  for (let k = 0; k < 4; k++) emit(i32(0), op.i32Load, memarg(2, CONTROL.pointers + 4 * k), set(ptr[k]));
  [A, B, C, D].forEach((local, w) => emit(i32(0), v(simd.load, ...memarg(4, CONTROL.state + 16 * w)), set(local)));
  emit(i32(0), v(simd.load, ...memarg(4, CONTROL.mask)), set(MASK));
  emit(op.block, op.void, op.loop, op.void, get(BLOCKS), op.i32Eqz, op.brIf, 1);
  // Word j of the four lanes' blocks, as one vector.
  for (let j = 0; j < 16; j++) {
    emit(get(ptr[0]), v(simd.load32Zero, ...memarg(2, 4 * j)));
    for (let k = 1; k < 4; k++) emit(set(T), get(ptr[k]), get(T), v(simd.load32Lane, ...memarg(2, 4 * j), k));
    emit(set(M[j]));
  }
  emit(get(A), set(AA), get(B), set(BB), get(C), set(CC), get(D), set(DD));
  // a = b + rotl(a + f(b, c, d) + m[g] + sine, s); the roles rotate instead of the values.
  let [a, b, c, d] = [A, B, C, D];
  for (let i = 0; i < 64; i++) {
    // a + m[g] + sine first: a is four steps old. What waits on b (the chain that sets the pace) is
    // kept short: f's last one or two operations, one add, the rotation, one add.
    emit(get(a), get(M[wordOf(i)]), v(simd.add), splat(SINES[i]), v(simd.add));
    if (i < 16) emit(get(c), get(d), get(b), v(simd.bitselect)); // (b & c) | (~b & d)
    else if (i < 32) emit(get(b), get(d), v(simd.and), get(c), get(d), v(simd.andnot), v(simd.or)); // (b & d) | (c & ~d)
    else if (i < 48) emit(get(c), get(d), v(simd.xor), get(b), v(simd.xor));
    else emit(get(c), get(b), get(d), v(simd.not), v(simd.or), v(simd.xor)); // c ^ (b | ~d)
    emit(v(simd.add));
    const s = SHIFTS[(i >> 4) * 4 + (i % 4)];
    emit(tee(T), i32(s), v(simd.shl), get(T), i32(32 - s), v(simd.shrU), v(simd.or));
    emit(get(b), v(simd.add), set(a));
    [a, b, c, d] = [d, a, b, c];
  }
  // Add the block's result; lanes left out keep their state.
  for (const [x, saved] of [
    [A, AA],
    [B, BB],
    [C, CC],
    [D, DD],
  ]) {
    emit(get(x), get(saved), v(simd.add), get(saved), get(MASK), v(simd.bitselect), set(x));
  }
  for (let k = 0; k < 4; k++) emit(get(ptr[k]), i32(0), op.i32Load, memarg(2, CONTROL.strides + 4 * k), op.i32Add, set(ptr[k]));
  emit(get(BLOCKS), i32(1), op.i32Sub, set(BLOCKS), op.br, 0, op.end, op.end);
  for (let k = 0; k < 4; k++) emit(i32(0), get(ptr[k]), op.i32Store, memarg(2, CONTROL.pointers + 4 * k));
  [A, B, C, D].forEach((local, w) => emit(i32(0), get(local), v(simd.store, ...memarg(4, CONTROL.state + 16 * w))));
  emit(op.end);

  const body = [2, ...uleb(4), 0x7f, ...uleb(v128Locals), 0x7b, ...code]; // locals: 4 × i32, n × v128
  const name = (text: string) => [...uleb(text.length), ...Buffer.from(text)];
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...section(1, [1, 0x60, 1, 0x7f, 0]), // one type: (i32) -> ()
    ...section(3, [1, 0]), // one function of that type
    ...section(5, [1, 0x00, 1]), // one memory, at least one 64 KiB page
    ...section(7, [2, ...name('mem'), 0x02, 0, ...name('md5'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}
