// Rate shapes for `sdfleet run`: the scenario's `load:` block or the --rate flag, as events per
// second over the run's own time axis (seconds since the first record).
import { z } from 'zod';
import { UserError } from '../common/user-error.js';

const rate = z.number().positive().max(10_000_000);
const seconds = z.number().positive().max(366 * 86_400);

const LoadSchema = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('constant'), rate }).strict(),
  z.object({ shape: z.literal('ramp'), from: z.number().min(0).max(10_000_000), to: z.number().min(0).max(10_000_000), over: seconds }).strict(),
  z.object({ shape: z.literal('steps'), steps: z.array(z.object({ rate: z.number().min(0).max(10_000_000), for: seconds }).strict()).min(1) }).strict(),
  z.object({ shape: z.literal('daily'), base: rate, hourly: z.array(z.number().min(0).max(1000)).length(24) }).strict(),
  z.object({ shape: z.literal('max') }).strict(),
]);

export type LoadShape = z.infer<typeof LoadSchema>;

/** The `load:` block, validated; errors name the field (`load.steps.1.rate`) and its value. */
export function parseLoad(raw: unknown): LoadShape {
  const parsed = LoadSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  let value: unknown = raw;
  for (const key of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  throw new UserError(['load', ...issue.path].join('.'), value, issue.message);
}

/** `--rate N` (events/s) or `--rate max`. */
export function parseRateFlag(text: string): LoadShape {
  if (text === 'max') return { shape: 'max' };
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UserError('--rate', text, 'expected events per second > 0, or max');
  if (n > 10_000_000) throw new UserError('--rate', text, 'expected at most 10000000 events per second');
  return { shape: 'constant', rate: n };
}

/** A shape made ready for pacing: rate and cumulative count at t seconds into the run. */
export interface Schedule {
  readonly shape: LoadShape;
  /** Events per second at t; Infinity for `max`. */
  rateAt(t: number): number;
  /** Events due by t (the integral of the rate from 0); Infinity for `max`. */
  dueBy(t: number): number;
  /** Where the shape itself ends (steps), else undefined. */
  readonly endsAtS: number | undefined;
  /** Mean target rate over [0, t], for the summary; null for `max`. */
  meanRate(t: number): number | null;
}

/**
 * @param startHour for `daily`: the hour of day (0–24, fractional) at t = 0. The shape's day runs at
 *   one hour per 3600 s of the run.
 */
export function scheduleOf(shape: LoadShape, startHour = 0): Schedule {
  const make = (rateAt: (t: number) => number, dueBy: (t: number) => number, endsAtS?: number): Schedule => ({
    shape,
    rateAt,
    dueBy,
    endsAtS,
    meanRate: (t) => (t > 0 ? dueBy(t) / t : rateAt(0)),
  });
  switch (shape.shape) {
    case 'max':
      return { ...make(() => Infinity, () => Infinity), meanRate: () => null };
    case 'constant':
      return make(() => shape.rate, (t) => shape.rate * t);
    case 'ramp': {
      const { from, to, over } = shape;
      const slope = (to - from) / over;
      return make(
        (t) => (t < over ? from + slope * t : to),
        (t) => (t < over ? from * t + (slope * t * t) / 2 : ((from + to) / 2) * over + to * (t - over)),
      );
    }
    case 'steps': {
      const ends: number[] = [];
      const due: number[] = [0];
      let end = 0;
      for (const s of shape.steps) {
        end += s.for;
        ends.push(end);
        due.push(due[due.length - 1] + s.rate * s.for);
      }
      const index = (t: number) => ends.findIndex((e) => t < e);
      return make(
        (t) => {
          const i = index(t);
          return i < 0 ? 0 : shape.steps[i].rate;
        },
        (t) => {
          const i = index(t);
          if (i < 0) return due[due.length - 1];
          return due[i] + shape.steps[i].rate * (t - (i === 0 ? 0 : ends[i - 1]));
        },
        end,
      );
    }
    case 'daily': {
      const perHour = shape.hourly.map((m) => m * shape.base);
      const prefix = [0]; // events in the first h hours of a day starting at midnight
      for (const r of perHour) prefix.push(prefix[prefix.length - 1] + r * 3600);
      const dayTotal = prefix[24];
      // Events from midnight of the shape's day 0 up to hour-of-day clock h (h may exceed 24).
      const fromMidnight = (h: number) => {
        const days = Math.floor(h / 24);
        const within = h - days * 24;
        const hour = Math.floor(within);
        return days * dayTotal + prefix[hour] + perHour[hour] * (within - hour) * 3600;
      };
      const h0 = ((startHour % 24) + 24) % 24;
      return make(
        (t) => perHour[Math.floor(h0 + t / 3600) % 24],
        (t) => fromMidnight(h0 + t / 3600) - fromMidnight(h0),
      );
    }
  }
}

export function describeShape(shape: LoadShape): string {
  switch (shape.shape) {
    case 'max':
      return 'as fast as backpressure allows';
    case 'constant':
      return `${shape.rate} events/s`;
    case 'ramp':
      return `ramp ${shape.from} → ${shape.to} events/s over ${shape.over} s`;
    case 'steps':
      return `steps ${shape.steps.map((s) => `${s.rate}/s×${s.for}s`).join(', ')}`;
    case 'daily':
      return `daily curve around ${shape.base} events/s`;
  }
}
