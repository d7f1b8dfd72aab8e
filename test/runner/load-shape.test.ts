import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/user-error.js';
import { parseLoad, parseRateFlag, scheduleOf, type LoadShape } from '../../runner/load-shape.js';
import { ratePacer, timingPacer, type PaceClock } from '../../runner/pacer.js';

/** A clock that only moves when someone sleeps, plus some "work" per record, like a busy sender. */
function manualClock(workMsPerRecord = 0): PaceClock & { work(): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    work: () => {
      now += workMsPerRecord;
    },
  };
}

/** Sends through the pacer for `seconds` of the injected clock; returns the send times (s). */
async function drive(shape: LoadShape, seconds: number, workMs = 0, startHour = 0): Promise<number[]> {
  const clock = manualClock(workMs);
  const pacer = ratePacer(scheduleOf(shape, startHour), clock);
  const times: number[] = [];
  for (;;) {
    const wait = pacer.take();
    if (wait) await wait;
    const t = clock.now() / 1000;
    if (t >= seconds) return times;
    times.push(t);
    clock.work();
  }
}

/** Every 10 s window [a, a+10) slid by 1 s: achieved count against the shape's integral. */
function worstWindowError(times: number[], shape: LoadShape, seconds: number, startHour = 0): number {
  const s = scheduleOf(shape, startHour);
  const perSecond: number[] = [];
  for (const t of times) perSecond[Math.floor(t)] = (perSecond[Math.floor(t)] ?? 0) + 1;
  let worst = 0;
  for (let a = 0; a + 10 <= seconds; a++) {
    const expected = s.dueBy(a + 10) - s.dueBy(a);
    if (expected < 100) continue;
    let got = 0;
    for (let k = a; k < a + 10; k++) got += perSecond[k] ?? 0;
    worst = Math.max(worst, Math.abs(got - expected) / expected);
  }
  return worst;
}

describe('rate shapes and the pacer (injected clock)', () => {
  const cases: [string, LoadShape, number][] = [
    ['constant', { shape: 'constant', rate: 5000 }, 40],
    ['ramp', { shape: 'ramp', from: 100, to: 5000, over: 30 }, 40],
    ['steps', { shape: 'steps', steps: [{ rate: 1000, for: 15 }, { rate: 3000, for: 15 }, { rate: 500, for: 10 }] }, 40],
    // Starts 36 s before midnight, so the windows cross an hour boundary (×0.5 → ×2).
    ['daily', { shape: 'daily', base: 300, hourly: Array.from({ length: 24 }, (_, h) => (h % 2 === 0 ? 2 : 0.5)) }, 80],
  ];
  for (const [name, shape, seconds] of cases) {
    it(`${name}: the achieved rate over every 10 s window is within ±2 % of the shape`, async () => {
      const times = await drive(shape, seconds, 0.05, 23.99);
      expect(worstWindowError(times, shape, seconds, 23.99)).toBeLessThan(0.02);
    }, 60_000);
  }

  it('catches up after a stall instead of drifting (credit schedule, not timer drift)', async () => {
    const clock = manualClock();
    const pacer = ratePacer(scheduleOf({ shape: 'constant', rate: 1000 }), clock);
    let sent = 0;
    const send = async () => {
      const w = pacer.take();
      if (w) await w;
      sent++;
    };
    for (let i = 0; i < 500; i++) await send();
    await clock.sleep(2000); // a GC pause or a slow batch
    const before = sent;
    while (clock.now() < 2600) await send();
    expect(sent - before).toBeGreaterThan(2000); // the missed second and a half go at once
    expect(Math.abs(sent - 2600)).toBeLessThan(5);
  });

  it('max never waits; a timing replay follows created_at at k×', async () => {
    expect(ratePacer(scheduleOf({ shape: 'max' }), manualClock()).take()).toBeUndefined();
    const clock = manualClock();
    const pacer = timingPacer(4, clock);
    for (const at of [100, 101, 104, 104, 108]) {
      const w = pacer.take(at);
      if (w) await w;
    }
    expect(clock.now()).toBe(2000); // 8 s of recording at 4×
  });

  it('bad shapes and rates name the field and the value', () => {
    expect(() => parseRateFlag('0')).toThrow(/--rate: expected events per second > 0, or max \(got "0"\)/);
    expect(() => parseRateFlag('-5')).toThrow(UserError);
    expect(() => parseRateFlag('fast')).toThrow(/--rate/);
    expect(parseRateFlag('max')).toEqual({ shape: 'max' });
    expect(() => parseLoad({ shape: 'steps', steps: [{ rate: 10, for: 5 }, { rate: -1, for: 5 }] })).toThrow(/load\.steps\.1\.rate.*\(got -1\)/);
    expect(() => parseLoad({ shape: 'daily', base: 10, hourly: [1, 2] })).toThrow(/load\.hourly/);
    expect(() => parseLoad({ shape: 'wave' })).toThrow(/load\.shape/);
  });
});
