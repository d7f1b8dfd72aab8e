// 1 Hz (configurable) kinematics along a route: an IDM-like driver that accelerates toward its
// desired speed and brakes along a comfortable-deceleration curve for whatever is ahead (lower
// limits, bends, red signals, the destination). Hard braking happens only when something forces it.
import type { Route } from '../roads/route.js';
import { AMBER, GREEN, RED, amberLeftS, signalPhase } from '../roads/signals.js';

/** Where a vehicle is on its route. Its distance, speed and acceleration are in `Kinematics` (slot i). */
export interface FollowerState {
  route: Route;
  /** The vehicle's slot in the kinematics arrays. */
  readonly i: number;
  seg: number;
  /** Index into route.signalPoints of the next signal ahead. */
  nextSignal: number;
  /** The next signal has been committed to (entered on amber); cleared when crossed. */
  committed: boolean;
}

/** Distance along the route (m), speed (m/s) and acceleration (m/s²) of every vehicle, by slot. */
export interface Kinematics {
  readonly s: Float64Array;
  readonly v: Float64Array;
  readonly a: Float64Array;
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

/** Starts slot i at the beginning of `route`, at rest. */
export function startFollowing(route: Route, k: Kinematics, i: number): FollowerState {
  k.s[i] = 0;
  k.v[i] = 0;
  k.a[i] = 0;
  return { route, i, seg: 0, nextSignal: 0, committed: false };
}

export function newMotionResult(): MotionResult {
  return { lateralAccelMps2: 0, ranRed: false, forwardCollisionWarning: false, stoppedAtSignal: false, arrived: false, limitMps: 0 };
}

const STOP_LINE_M = 2;

/** Advances one step and fills `result` (reused by the caller: no allocation per step). */
export function stepMotion(st: FollowerState, k: Kinematics, m: MotionLimits, result: MotionResult): MotionResult {
  const r = st.route;
  const dt = m.dtS;
  const v = k.v[st.i];
  let s = k.s[st.i];
  const b = Math.min(m.comfortDecelMps2, m.maxDecelMps2);
  const factor = m.speedFactor;
  const limit = r.segSpeedMps[st.seg];
  // Desired speed is soft (eased toward); what lies ahead (bends, lower limits, stops) is hard.
  const vDesired = Math.min(limit * factor, m.capMps);
  let vAllowed = Infinity;
  const horizon = (v * v) / (2 * b) + 40;
  const last = r.points - 1;
  for (let i = st.seg + 1; i < last && r.s[i] - s <= horizon; i++) {
    const d = r.s[i] - s;
    const vl = Math.min(r.segSpeedMps[i] * factor, m.capMps);
    if (vl < vDesired) vAllowed = Math.min(vAllowed, Math.sqrt(vl * vl + 2 * b * d));
    const R = r.turnRadiusM[i];
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
  if (st.nextSignal < r.signalPoints.length) {
    const sp = r.signalPoints[st.nextSignal];
    signalNode = r.node[sp];
    const d = r.s[sp] - s - STOP_LINE_M;
    if (!st.committed && d <= horizon + 10) {
      const phase = signalPhase(signalNode, m.simTimeS);
      if (phase !== GREEN) {
        const need = (v * v) / (2 * Math.max(d, 0.1));
        // Amber: go if the line is reached before red (amber runners allow a second more); red: stop unless physically impossible.
        const clears = phase === AMBER && d < v * (amberLeftS(signalNode, m.simTimeS) + (m.runsAmber ? 1 : 0));
        if (d < -0.5 || clears || (phase === RED && need > m.maxDecelMps2)) {
          st.committed = true;
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
  k.a[st.i] = (vNew - v) / dt;
  k.v[st.i] = vNew;
  k.s[st.i] = s;
  if (stopAt !== Infinity && vNew === 0 && v > 0) result.stoppedAtSignal = true;
  while (st.seg < last - 1 && s >= r.s[st.seg + 1]) {
    st.seg++;
    const R = r.turnRadiusM[st.seg];
    if (R !== Infinity) result.lateralAccelMps2 = Math.max(result.lateralAccelMps2, (vNew * vNew) / R);
    if (st.nextSignal < r.signalPoints.length && r.signalPoints[st.nextSignal] === st.seg) {
      if (signalPhase(signalNode, m.simTimeS) === RED) result.ranRed = true;
      st.nextSignal++;
      st.committed = false;
    }
  }
  result.arrived = s >= r.lengthM - 0.5 && vNew < 0.5;
  result.limitMps = r.segSpeedMps[st.seg];
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
