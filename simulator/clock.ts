// Simulated wall clock in America/Los_Angeles: scenarios give a local start time, events carry
// Unix seconds, and the demand model needs the local hour (DST-correct).
import { UserError } from '../common/user-error.js';

export const TIME_ZONE = 'America/Los_Angeles';

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Offset of Los Angeles local time from UTC at the instant `epochMs`, in ms (e.g. −7 h in summer). */
export function offsetMsAt(epochMs: number): number {
  const p = Object.fromEntries(partsFormat.formatToParts(new Date(epochMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:mm[:ss]` read as Los Angeles local time → epoch ms. */
export function parseLocalStart(text: string, field = 'start'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) throw new UserError(field, text, 'expected local date-time YYYY-MM-DDTHH:mm[:ss] in America/Los_Angeles');
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (Number.isNaN(guess)) throw new UserError(field, text, 'not a valid date-time');
  let epoch = guess - offsetMsAt(guess);
  epoch = guess - offsetMsAt(epoch); // second pass settles DST edges
  return epoch;
}

/**
 * Local hour of day as a fraction (7.5 = 07:30). Offsets are memoised per UTC hour: the demand model
 * scans a day ahead while every vehicle asks for "now", so a single-entry cache would thrash. The
 * memo is the process's, not the function's: an offset is a fact about the time zone, and each
 * simulation's ~50 Intl look-ups (~20 µs each) were about 1 % of a short run.
 */
const offsetByUtcHour = new Map<number, number>();
export function createLocalHour(): (epochMs: number) => number {
  return (epochMs) => {
    const utcHour = Math.floor(epochMs / 3_600_000);
    let offset = offsetByUtcHour.get(utcHour);
    if (offset === undefined) {
      offset = offsetMsAt(utcHour * 3_600_000);
      offsetByUtcHour.set(utcHour, offset);
    }
    const local = (epochMs + offset) / 3_600_000;
    return local - Math.floor(local / 24) * 24;
  };
}
