// MD5 of aggregated records, four at a time on one thread (WebAssembly SIMD, md5-lanes-module.ts).
// node:crypto hashes one message per call at about 600 MiB/s on the machine measured; four lanes
// reach about 2.8× that. A lone body still goes to node:crypto, which is faster for one.
import { AGGREGATED_MAGIC, writeDigest, type SealedAggregate } from './codec.js';
import { CONTROL, md5LanesModule } from './md5-lanes-module.js';

// The parts of the WebAssembly API used here (the project's TypeScript lib has no DOM types).
export interface WasmModule {
  readonly kind?: 'wasm-module';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
}

/** An instance of the module and the room it has per lane. */
export interface LaneRuntime {
  memory: WasmMemory;
  md5: (blocks: number) => void;
  laneBytes: number;
  control: typeof CONTROL;
}

/** Bodies larger than this are hashed by node:crypto (keeps the module's memory small). */
export const MAX_LANE_BYTES = 1024 * 1024;

let compiled: WasmModule | null | undefined;

/** The compiled module, or null when this runtime has no WebAssembly SIMD. */
export function md5LanesCompiled(): WasmModule | null {
  if (compiled === undefined) {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = md5LanesModule();
    try {
      compiled = wasm !== undefined && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null; // e.g. code generation disallowed: node:crypto does the work
    }
  }
  return compiled;
}

/** An instance of the compiled module. Self-contained: hash workers run its source text too. */
export function laneRuntime(module: WasmModule, control: typeof CONTROL): LaneRuntime {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly as WasmApi;
  const exports = new wasm.Instance(module, {}).exports as { mem: WasmMemory; md5: (blocks: number) => void };
  return { memory: exports.mem, md5: exports.md5, laneBytes: 0, control };
}

/**
 * Writes the MD5 of `bytes[k][starts[k], ends[k])` at `bytes[k][ends[k]]` for the first `count`
 * (two to four) bodies, each at most MAX_LANE_BYTES. Self-contained, with no outside name: hash
 * workers run its source text too (see hash-workers.ts).
 */
export function digestInLanes(rt: LaneRuntime, bytes: readonly Uint8Array[], starts: readonly number[], ends: readonly number[], count: number): void {
  const c = rt.control;
  let longest = 0;
  for (let k = 0; k < count; k++) longest = Math.max(longest, ends[k] - starts[k]);
  const laneBytes = Math.ceil((longest + 72) / 64) * 64;
  if (laneBytes > rt.laneBytes) {
    const need = c.bytes + 4 * laneBytes;
    const have = rt.memory.buffer.byteLength;
    if (need > have) rt.memory.grow(Math.ceil((need - have) / 65536));
    rt.laneBytes = laneBytes;
  }
  // Views are made per call: growing the memory detaches the old ones.
  const mem = new Uint8Array(rt.memory.buffer);
  const words = new Int32Array(rt.memory.buffer);
  const blocks = [0, 0, 0, 0];
  // Lanes from `count` on are left out: no blocks, so they drop out below before the first run.
  for (let k = 0; k < count; k++) {
    const at = c.bytes + k * rt.laneBytes;
    const length = ends[k] - starts[k];
    mem.set(bytes[k].subarray(starts[k], ends[k]), at);
    // MD5 padding: 0x80, zeros, then the length in bits as 64-bit little-endian.
    const padded = (Math.floor((length + 8) / 64) + 1) * 64;
    mem[at + length] = 0x80;
    mem.fill(0, at + length + 1, at + padded - 8);
    words[(at + padded - 8) >> 2] = length << 3;
    words[(at + padded - 4) >> 2] = length >>> 29;
    words[(c.pointers >> 2) + k] = at;
    words[(c.strides >> 2) + k] = 64;
    words[(c.mask >> 2) + k] = -1;
    // The initial state (RFC 1321, 3.3).
    words[(c.state >> 2) + k] = 0x67452301;
    words[(c.state >> 2) + 4 + k] = 0xefcdab89 | 0;
    words[(c.state >> 2) + 8 + k] = 0x98badcfe | 0;
    words[(c.state >> 2) + 12 + k] = 0x10325476;
    blocks[k] = padded / 64;
  }
  // Every lane runs for the shortest message's blocks, then the lanes that are done drop out (a lane
  // out reads lane 0's message, keeps no state and does not move).
  let done = 0;
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < 4; k++) if (blocks[k] > done) next = Math.min(next, blocks[k]);
    if (next === Infinity) break;
    for (let k = 0; k < 4; k++) {
      if (blocks[k] > done) continue;
      words[(c.pointers >> 2) + k] = c.bytes;
      words[(c.strides >> 2) + k] = 0;
      words[(c.mask >> 2) + k] = 0;
    }
    rt.md5(next - done);
    done = next;
  }
  for (let k = 0; k < count; k++) {
    for (let w = 0; w < 4; w++) {
      const from = c.state + 16 * w + 4 * k;
      bytes[k].set(mem.subarray(from, from + 4), ends[k] + 4 * w);
    }
  }
}

const MAGIC_BYTES = AGGREGATED_MAGIC.length;

/** Digests of sealed aggregates on this thread, four at a time. */
export class Md5Lanes {
  private readonly group: SealedAggregate[] = [];
  private readonly bytes: Uint8Array[] = [];
  private readonly starts = [MAGIC_BYTES, MAGIC_BYTES, MAGIC_BYTES, MAGIC_BYTES];
  private readonly ends: number[] = [];

  /** A hasher, or undefined when the runtime cannot run the module (callers then use node:crypto). */
  static create(): Md5Lanes | undefined {
    const module = md5LanesCompiled();
    return module === null ? undefined : new Md5Lanes(laneRuntime(module, CONTROL));
  }

  private constructor(private readonly rt: LaneRuntime) {}

  /** Writes the digest of each sealed aggregate into its last 16 bytes (any number of them). */
  digest(batch: readonly SealedAggregate[]): void {
    const group = this.group;
    for (const sealed of batch) {
      if (sealed.digestAt - MAGIC_BYTES > MAX_LANE_BYTES) writeDigest(sealed);
      else if (group.push(sealed) === 4) this.run();
    }
    // One left over: node:crypto is faster for a single body.
    if (group.length === 1) writeDigest(group[0]);
    else if (group.length > 1) this.run();
    group.length = 0;
  }

  private run(): void {
    const group = this.group;
    for (let k = 0; k < group.length; k++) {
      this.bytes[k] = group[k].bytes;
      this.ends[k] = group[k].digestAt;
    }
    digestInLanes(this.rt, this.bytes, this.starts, this.ends, group.length);
    group.length = 0;
    this.bytes.length = 0; // holds no aggregate past the call
  }
}
