import type { Rng } from '../rng.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 0xff] + HEX[(x >>> 8) & 0xff] + HEX[x & 0xff];
}

/** An RFC 4122 version-4 UUID drawn from the seeded RNG, so event ids reproduce with the run. */
export function uuidFrom(rng: Rng): string {
  const a = rng.u32();
  const b = (rng.u32() & 0xffff0fff) | 0x00004000; // version 4
  const c = ((rng.u32() & 0x3fffffff) | 0x80000000) >>> 0; // variant 10
  const d = rng.u32();
  const hb = hex32(b >>> 0);
  const hc = hex32(c);
  return `${hex32(a)}-${hb.slice(0, 4)}-${hb.slice(4)}-${hc.slice(0, 4)}-${hc.slice(4)}${hex32(d)}`;
}
