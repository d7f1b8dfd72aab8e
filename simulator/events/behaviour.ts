// Driver-behaviour alerts, raised from the motion the driver model actually produced. A vehicle's
// watch is slot i of the fleet's arrays (flags, the speeding episode, the trip's counts): a step is
// threshold checks on them.
import type { FleetState } from '../fleet/fleet-state.js';
import type { VehicleView } from '../fleet/vehicle-view.js';
import { KMH, type MotionResult } from '../motion/follower.js';
import { eventKey, KEYS } from '../telemetry/event-line.js';
import { r1, r2 } from './round.js';

const HARSH_BRAKE_MPS2 = 3.4; // ≈ 0.35 g, a common telematics threshold
const HARSH_ACCEL_MPS2 = 2.9;
const CORNER_MPS2 = 4.0;
const SPEEDING_OVER_KMH = 8; // 5 mph over the limit …
const SPEEDING_MIN_S = 10; // … for 10 s
const SEVERE_OVER_KMH = 32; // 20 mph over
const K_DECEL = eventKey('decel_mps2');
const K_LATERAL = eventKey('lateral_accel_mps2');

// FleetState.behaviourFlags bits.
const BRAKING = 1;
const ACCELERATING = 2;
const FCW = 4;
const SPEEDING = 8;
const SEVERE = 16;
const BELT_ALERTED = 32;

export interface HarshBrakingListener {
  onHarshBraking(v: VehicleView): void;
}

/** A new trip: its harsh-event counts and speeding time start over, and the seatbelt alert may fire again. */
export function resetTripBehaviour(st: FleetState, i: number): void {
  st.harshBrakes[i] = 0;
  st.harshAccels[i] = 0;
  st.speedingS[i] = 0;
  st.behaviourFlags[i] &= ~BELT_ALERTED;
}

/**
 * One driving step of slot i: the motion result `m`, and the vehicle's speed and acceleration after it.
 * @param brakes told of each harsh braking right after its alert (a wheel-speed sensor fault shows then).
 */
export function behaviourStep(st: FleetState, i: number, v: VehicleView, brakes: HarshBrakingListener, m: MotionResult): void {
  const t = v.simTimeS;
  const speedKmh = v.speedMps * KMH;
  const accel = v.accelMps2;
  const flags = st.behaviourFlags;
  if (accel < -HARSH_BRAKE_MPS2 && !(flags[i] & BRAKING)) {
    flags[i] |= BRAKING;
    st.harshBrakes[i]++;
    v.lineAt('alert:harsh_braking').number(KEYS.speed_kmh, speedKmh, 1).number(K_DECEL, -accel, 2).text(KEYS.road, v.roadName()).end();
    brakes.onHarshBraking(v);
  } else if (accel > -2) flags[i] &= ~BRAKING;
  if (accel > HARSH_ACCEL_MPS2 && !(flags[i] & ACCELERATING)) {
    flags[i] |= ACCELERATING;
    st.harshAccels[i]++;
    v.emit('alert:harsh_acceleration', { ...v.here(), speed_kmh: r1(speedKmh), accel_mps2: r2(accel), road: v.roadName() });
  } else if (accel < 2) flags[i] &= ~ACCELERATING;
  if (m.lateralAccelMps2 > CORNER_MPS2 && t - st.lastCornerS[i] > 10) {
    st.lastCornerS[i] = t;
    v.lineAt('alert:sharp_cornering').number(KEYS.speed_kmh, speedKmh, 1).number(K_LATERAL, m.lateralAccelMps2, 2).text(KEYS.road, v.roadName()).end();
  }
  if (m.ranRed) v.emit('alert:red_light_violation', { ...v.here(), speed_kmh: r1(speedKmh), road: v.roadName() });
  if (m.forwardCollisionWarning && !(flags[i] & FCW)) v.emit('safety:forward_collision_warning', { ...v.here(), speed_kmh: r1(speedKmh), road: v.roadName() });
  if (m.forwardCollisionWarning) flags[i] |= FCW;
  else flags[i] &= ~FCW;
  if (m.stoppedAtSignal) v.lineAt('traffic:signal:stopped').text(KEYS.road, v.roadName()).end();
  if (!v.buckles && !(flags[i] & BELT_ALERTED) && speedKmh > 15) {
    flags[i] |= BELT_ALERTED;
    v.line('alert:seatbelt_unfastened').number(KEYS.speed_kmh, speedKmh, 1).end();
  }
  speedingStep(st, i, v, m);
}

function speedingStep(st: FleetState, i: number, v: VehicleView, m: MotionResult): void {
  const t = v.simTimeS;
  const speedKmh = v.speedMps * KMH;
  const limitKmh = m.limitMps * KMH;
  const over = speedKmh - limitKmh;
  if (over > SPEEDING_OVER_KMH) {
    if (st.overSince[i] < 0) st.overSince[i] = t;
    st.maxOverKmh[i] = Math.max(st.maxOverKmh[i], over);
    st.maxSpeedKmh[i] = Math.max(st.maxSpeedKmh[i], speedKmh);
    const flags = st.behaviourFlags;
    if (!(flags[i] & SPEEDING) && t - st.overSince[i] >= SPEEDING_MIN_S) {
      flags[i] |= SPEEDING;
      v.emit('alert:speeding:started', { ...v.here(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), road: v.roadName() });
    }
    if (flags[i] & SPEEDING && !(flags[i] & SEVERE) && over > SEVERE_OVER_KMH) {
      flags[i] |= SEVERE;
      v.emit('alert:speeding:severe', { ...v.here(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), road: v.roadName() });
    }
  } else if (over < 3) {
    // Most driving steps: only the watch is cleared, with no call that takes `t` (a double passed to a
    // call V8 does not inline is boxed: 16 B of garbage per driving step).
    if (st.behaviourFlags[i] & SPEEDING) endSpeeding(st, i, v, t);
    else clearSpeedingWatch(st, i);
  }
}

/** Closes slot i's open speeding episode (also at the end of a trip). */
export function endSpeeding(st: FleetState, i: number, v: VehicleView, t: number): void {
  if (st.behaviourFlags[i] & SPEEDING) {
    st.speedingS[i] += t - st.overSince[i];
    v.emit('alert:speeding:ended', { duration_s: r1(t - st.overSince[i]), max_speed_kmh: r1(st.maxSpeedKmh[i]), max_over_kmh: r1(st.maxOverKmh[i]) });
  }
  clearSpeedingWatch(st, i);
}

function clearSpeedingWatch(st: FleetState, i: number): void {
  st.behaviourFlags[i] &= ~(SPEEDING | SEVERE);
  st.overSince[i] = -1;
  st.maxOverKmh[i] = 0;
  st.maxSpeedKmh[i] = 0;
}
