// 1 Hz (configurable) kinematics along a route: an IDM-like driver that accelerates toward its
// desired speed and brakes along a comfortable-deceleration curve for whatever is ahead (lower
// limits, bends, red signals, the destination). Hard braking happens only when something forces it.
import type { Route } from '../roads/route.js';
import { AMBER, GREEN, RED, amberLeftS, signalPhase } from '../roads/signals.js';

/** Where every vehicle is on its route, and its distance along it (m), speed (m/s) and acceleration (m/s²), by slot. */
export interface Kinematics {
  readonly s: Float64Array;
  readonly v: Float64Array;
  readonly a: Float64Array;
  /** The segment of the route the vehicle is on. */
  readonly seg: Int32Array;
  /** Index into route.signalPoints of the next signal ahead. */
  readonly nextSignal: Int32Array;
  /** 1: the next signal has been committed to (entered on amber); cleared when crossed. */
  readonly committed: Uint8Array;
}

export interface MotionLimits {
  dtS: number;
  simTimeS: number;
  /** Multiplier on the posted limit (congestion × driver × speeding episode). */
  speedFactor: number;
  /** Hard cap (class top speed, truck 55 mph rule), m/s. */
  capMps: number;
  maxAccelMps2: number;
  maxDecelMps2: number;
  /** The driver's (see driver-profile.ts). */
  accelMps2: number;
  comfortDecelMps2: number;
  lateralAccelMps2: number;
  runsAmber: boolean;
}

export interface MotionResult {
  /** Largest v²/R over the bends crossed in this step. */
  lateralAccelMps2: number;
  ranRed: boolean;
  /** Stopping for a red needed more than comfortable deceleration. */
  forwardCollisionWarning: boolean;
  /** Just came to a stop at a red signal. */
  stoppedAtSignal: boolean;
  arrived: boolean;
  limitMps: number;
}

/** Starts slot i at the beginning of its route, at rest. */
export function startFollowing(k: Kinematics, i: number): void {
  k.s[i] = 0;
  k.v[i] = 0;
  k.a[i] = 0;
  k.seg[i] = 0;
  k.nextSignal[i] = 0;
  k.committed[i] = 0;
}

export function newMotionResult(): MotionResult {
  return { lateralAccelMps2: 0, ranRed: false, forwardCollisionWarning: false, stoppedAtSignal: false, arrived: false, limitMps: 0 };
}

const STOP_LINE_M = 2;
/** m/s → km/h. */
export const KMH = 3.6;

/** Advances slot i one step along route r and fills `result` (reused by the caller: no allocation per step). */
export function stepMotion(r: Route, k: Kinematics, i: number, m: MotionLimits, result: MotionResult): MotionResult {
  const dt = m.dtS;
  const v = k.v[i];
  let s = k.s[i];
  let seg = k.seg[i];
  let nextSignal = k.nextSignal[i];
  const b = Math.min(m.comfortDecelMps2, m.maxDecelMps2);
  const factor = m.speedFactor;
  const limit = r.segSpeedMps[seg];
  // Desired speed is soft (eased toward); what lies ahead (bends, lower limits, stops) is hard.
  const vDesired = Math.min(limit * factor, m.capMps);
  let vAllowed = Infinity;
  const horizon = (v * v) / (2 * b) + 40;
  const last = r.points - 1;
  for (let p = seg + 1; p < last && r.s[p] - s <= horizon; p++) {
    const d = r.s[p] - s;
    const vl = Math.min(r.segSpeedMps[p] * factor, m.capMps);
    if (vl < vDesired) vAllowed = Math.min(vAllowed, Math.sqrt(vl * vl + 2 * b * d));
    const R = r.turnRadiusM[p];
    if (R !== Infinity) vAllowed = Math.min(vAllowed, Math.sqrt(m.lateralAccelMps2 * R + 2 * b * d));
  }
  const dEnd = r.lengthM - s;
  if (dEnd <= horizon) vAllowed = Math.min(vAllowed, stopSpeed(v, dEnd - 0.5, b, dt));

  result.ranRed = false;
  result.forwardCollisionWarning = false;
  result.stoppedAtSignal = false;
  result.lateralAccelMps2 = 0;
  let stopAt = Infinity;
  let signalNode = -1;
  if (nextSignal < r.signalPoints.length) {
    const sp = r.signalPoints[nextSignal];
    signalNode = r.node[sp];
    const d = r.s[sp] - s - STOP_LINE_M;
    if (k.committed[i] === 0 && d <= horizon + 10) {
      const phase = signalPhase(signalNode, m.simTimeS);
      if (phase !== GREEN) {
        const need = (v * v) / (2 * Math.max(d, 0.1));
        // Amber: go if the line is reached before red (amber runners allow a second more); red: stop unless physically impossible.
        const clears = phase === AMBER && d < v * (amberLeftS(signalNode, m.simTimeS) + (m.runsAmber ? 1 : 0));
        if (d < -0.5 || clears || (phase === RED && need > m.maxDecelMps2)) {
          k.committed[i] = 1;
        } else {
          stopAt = Math.max(0, d);
          vAllowed = Math.min(vAllowed, stopSpeed(v, stopAt, b, dt));
          if (need > 4.5) result.forwardCollisionWarning = true;
        }
      }
    }
  }

  let a: number;
  if (v < vDesired) {
    const q = v / vDesired;
    a = m.accelMps2 * (1 - q * q * q * q);
    if (v + a * dt > vDesired) a = (vDesired - v) / dt;
  } else {
    a = Math.max((vDesired - v) / dt, -0.6 * b); // slowing with the traffic ahead: firm but never harsh
  }
  if (v + a * dt > vAllowed) a = (vAllowed - v) / dt;
  if (a > m.maxAccelMps2) a = m.maxAccelMps2;
  if (a < -m.maxDecelMps2) a = -m.maxDecelMps2;
  let vNew = v + a * dt;
  if (vNew < 0) vNew = 0;
  let ds = 0.5 * (v + vNew) * dt;
  if (ds > stopAt) {
    ds = stopAt;
    vNew = 0;
  }
  if (s + ds > r.lengthM) ds = r.lengthM - s;
  s += ds;
  k.a[i] = (vNew - v) / dt;
  k.v[i] = vNew;
  k.s[i] = s;
  if (stopAt !== Infinity && vNew === 0 && v > 0) result.stoppedAtSignal = true;
  while (seg < last - 1 && s >= r.s[seg + 1]) {
    seg++;
    const R = r.turnRadiusM[seg];
    if (R !== Infinity) result.lateralAccelMps2 = Math.max(result.lateralAccelMps2, (vNew * vNew) / R);
    if (nextSignal < r.signalPoints.length && r.signalPoints[nextSignal] === seg) {
      if (signalPhase(signalNode, m.simTimeS) === RED) result.ranRed = true;
      nextSignal++;
      k.committed[i] = 0;
    }
  }
  k.seg[i] = seg;
  k.nextSignal[i] = nextSignal;
  result.arrived = s >= r.lengthM - 0.5 && vNew < 0.5;
  result.limitMps = r.segSpeedMps[seg];
  return result;
}

/**
 * Highest speed for the end of this step from which the vehicle can still stop within `d` metres at
 * deceleration b, counting the distance covered during the step itself (v_new² = 2b(d − (v+v_new)·dt/2)).
 */
function stopSpeed(v: number, d: number, b: number, dt: number): number {
  if (d <= 0) return 0;
  const bd = b * dt;
  const disc = bd * bd - 4 * (bd * v - 2 * b * d);
  return disc <= 0 ? 0 : Math.max(0, (-bd + Math.sqrt(disc)) / 2);
}
