// Driver-behaviour alerts, raised from the motion the driver model actually produced.
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

export interface HarshBrakingListener {
  onHarshBraking(v: VehicleView): void;
}

export class BehaviourWatch {
  private braking = false;
  private accelerating = false;
  private fcw = false;
  private overSince = -1;
  private speeding = false;
  private severe = false;
  private maxOverKmh = 0;
  private maxSpeedKmh = 0;
  private beltAlerted = false;
  private lastCornerS = -Infinity;
  harshBrakes = 0;
  harshAccels = 0;
  speedingS = 0;

  resetTrip(): void {
    this.harshBrakes = 0;
    this.harshAccels = 0;
    this.speedingS = 0;
    this.beltAlerted = false;
  }

  /**
   * One driving step: the motion result `m`, and the vehicle's speed and acceleration after it.
   * @param brakes told of each harsh braking right after its alert (a wheel-speed sensor fault shows then).
   */
  step(v: VehicleView, brakes: HarshBrakingListener, m: MotionResult): void {
    const t = v.simTimeS;
    const speedKmh = v.speedMps * KMH;
    const accel = v.accelMps2;
    if (accel < -HARSH_BRAKE_MPS2 && !this.braking) {
      this.braking = true;
      this.harshBrakes++;
      v.lineAt('alert:harsh_braking').number(KEYS.speed_kmh, speedKmh, 1).number(K_DECEL, -accel, 2).text(KEYS.road, v.roadName()).end();
      brakes.onHarshBraking(v);
    } else if (accel > -2) this.braking = false;
    if (accel > HARSH_ACCEL_MPS2 && !this.accelerating) {
      this.accelerating = true;
      this.harshAccels++;
      v.emit('alert:harsh_acceleration', { ...v.here(), speed_kmh: r1(speedKmh), accel_mps2: r2(accel), road: v.roadName() });
    } else if (accel < 2) this.accelerating = false;
    if (m.lateralAccelMps2 > CORNER_MPS2 && t - this.lastCornerS > 10) {
      this.lastCornerS = t;
      v.lineAt('alert:sharp_cornering').number(KEYS.speed_kmh, speedKmh, 1).number(K_LATERAL, m.lateralAccelMps2, 2).text(KEYS.road, v.roadName()).end();
    }
    if (m.ranRed) v.emit('alert:red_light_violation', { ...v.here(), speed_kmh: r1(speedKmh), road: v.roadName() });
    if (m.forwardCollisionWarning && !this.fcw) v.emit('safety:forward_collision_warning', { ...v.here(), speed_kmh: r1(speedKmh), road: v.roadName() });
    this.fcw = m.forwardCollisionWarning;
    if (m.stoppedAtSignal) v.lineAt('traffic:signal:stopped').text(KEYS.road, v.roadName()).end();
    if (!v.buckles && !this.beltAlerted && speedKmh > 15) {
      this.beltAlerted = true;
      v.line('alert:seatbelt_unfastened').number(KEYS.speed_kmh, speedKmh, 1).end();
    }
    this.speedingStep(v, m);
  }

  private speedingStep(v: VehicleView, m: MotionResult): void {
    const t = v.simTimeS;
    const speedKmh = v.speedMps * KMH;
    const limitKmh = m.limitMps * KMH;
    const over = speedKmh - limitKmh;
    if (over > SPEEDING_OVER_KMH) {
      if (this.overSince < 0) this.overSince = t;
      this.maxOverKmh = Math.max(this.maxOverKmh, over);
      this.maxSpeedKmh = Math.max(this.maxSpeedKmh, speedKmh);
      if (!this.speeding && t - this.overSince >= SPEEDING_MIN_S) {
        this.speeding = true;
        v.emit('alert:speeding:started', { ...v.here(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), road: v.roadName() });
      }
      if (this.speeding && !this.severe && over > SEVERE_OVER_KMH) {
        this.severe = true;
        v.emit('alert:speeding:severe', { ...v.here(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), road: v.roadName() });
      }
    } else if (over < 3) this.endSpeeding(v, t);
  }

  /** Closes an open speeding episode (also at the end of a trip). */
  endSpeeding(v: VehicleView, t: number): void {
    if (this.speeding) {
      this.speedingS += t - this.overSince;
      v.emit('alert:speeding:ended', { duration_s: r1(t - this.overSince), max_speed_kmh: r1(this.maxSpeedKmh), max_over_kmh: r1(this.maxOverKmh) });
    }
    this.speeding = false;
    this.severe = false;
    this.overSince = -1;
    this.maxOverKmh = 0;
    this.maxSpeedKmh = 0;
  }
}
