// Decimal text of a number rounded to d places, built from integers: small integers format from V8's
// fast path, doubles through shortest-round-trip search. Measured same-run on real readings with the
// string flattened afterwards: 5–10 % less encoding time than `${double}` (simulator/README.md).
//
// Exactness: for |x·10^d| < 1e15 the digits of Math.round(x·10^d) with d decimals (trailing zeros
// dropped) are exactly what JSON.stringify prints for Math.round(x·10^d)/10^d: a decimal of ≤ 15
// significant digits is the unique shortest text of its double. Larger values use JSON.stringify.

const SCALE = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];
const EXACT_LIMIT = 1e15;

/** JSON text of x rounded to `decimals` (0–9) places; NaN and ±Infinity give null like JSON.stringify. */
export function decimalText(x: number, decimals: number): string {
  const scale = SCALE[decimals];
  let n = Math.round(x * scale);
  if (n === 0) return '0'; // also -0
  if (!(Math.abs(n) < EXACT_LIMIT)) return JSON.stringify(n / scale);
  let sign = '';
  if (n < 0) {
    sign = '-';
    n = -n;
  }
  const whole = Math.floor(n / scale);
  let frac = n - whole * scale;
  if (frac === 0) return sign + whole;
  let places = decimals;
  while (frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  let len = 1;
  for (let lim = 10; frac >= lim; lim *= 10) len++;
  return `${sign}${whole}.${ZEROS[places - len]}${frac}`;
}
