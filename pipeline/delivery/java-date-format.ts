import { UserError } from '../../common/user-error.js';

// The subset of java.time.format.DateTimeFormatter letters Firehose prefixes use in practice.
// Firehose evaluates `!{timestamp:…}` in UTC, so everything here is UTC.
const FIELDS: Record<string, (d: Date, width: number) => string> = {
  y: (d, w) => (w === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), w)),
  u: (d, w) => (w === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), w)),
  M: (d, w) => pad(d.getUTCMonth() + 1, w),
  d: (d, w) => pad(d.getUTCDate(), w),
  D: (d, w) => pad(dayOfYear(d), w),
  H: (d, w) => pad(d.getUTCHours(), w),
  m: (d, w) => pad(d.getUTCMinutes(), w),
  s: (d, w) => pad(d.getUTCSeconds(), w),
  S: (d, w) => pad(d.getUTCMilliseconds(), 3).padEnd(w, '0').slice(0, w),
};

type Part = { literal: string } | { field: string; width: number };

/**
 * Compiles a DateTimeFormatter pattern (`yyyy/MM/dd/HH`, `yyyy-MM-dd'T'HH`) into a UTC formatter.
 * Unsupported letters are rejected up front, naming the pattern, rather than printed literally.
 */
export function compileJavaDatePattern(pattern: string): (date: Date) => string {
  const parts = parse(pattern);
  return (date) => parts.map((p) => ('literal' in p ? p.literal : FIELDS[p.field](date, p.width))).join('');
}

function parse(pattern: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new UserError('timestamp pattern', pattern, 'has an unterminated quote');
      parts.push({ literal: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if (!(c in FIELDS)) throw new UserError('timestamp pattern', pattern, `uses "${c}", which is not supported (use y M d D H m s S)`);
      parts.push({ field: c, width: j - i });
      i = j;
    } else {
      parts.push({ literal: c });
      i++;
    }
  }
  return parts;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}
