import type { Rng } from '../rng.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** An RFC 4122 version-4 UUID drawn from the seeded RNG, so event ids reproduce with the run. */
export function uuidFrom(rng: Rng): string {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  // One template, byte lookups only: this runs once per event, so no intermediate strings.
  return `${HEX[a >>> 24]}${HEX[(a >>> 16) & 0xff]}${HEX[(a >>> 8) & 0xff]}${HEX[a & 0xff]}-${HEX[b >>> 24]}${HEX[(b >>> 16) & 0xff]}-${HEX[0x40 | ((b >>> 8) & 0x0f)]}${HEX[b & 0xff]}-${HEX[0x80 | ((c >>> 24) & 0x3f)]}${HEX[(c >>> 16) & 0xff]}-${HEX[(c >>> 8) & 0xff]}${HEX[c & 0xff]}${HEX[d >>> 24]}${HEX[(d >>> 16) & 0xff]}${HEX[(d >>> 8) & 0xff]}${HEX[d & 0xff]}`;
}
