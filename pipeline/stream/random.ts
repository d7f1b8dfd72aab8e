import { createRng } from '../../common/rng.js';

/** A seeded PRNG returning floats in [0, 1). */
export type Random = () => number;

/** Fault dice: one independent stream per seed, so one kind of fault never shifts another's sequence. */
export function seededRandom(seed: number): Random {
  const rng = createRng(seed);
  return () => rng.next();
}
