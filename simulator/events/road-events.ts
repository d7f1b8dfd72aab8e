// Events that follow from where the vehicle is: freeway on/off, limit changes, the I-15 Express
// Lanes toll, freeway congestion and the neighbourhood geofences.
import type { VehicleView } from '../fleet/vehicle-view.js';
import { KMH, type MotionResult } from '../motion/follower.js';
import { isFreewayKind } from '../roads/graph.js';
import { eventKey, KEYS } from '../telemetry/event-line.js';
import { r1, r2, r3 } from './round.js';

const TOLL_ROAD = 'I-15 Express Lanes';
const CONGESTED_FRACTION = 0.5;
const CONGESTION_MIN_S = 30;
const GEOFENCE_EVERY_S = 5;
const K_FROM = eventKey('from_kmh');
const K_TO = eventKey('to_kmh');
const K_GEOFENCE = eventKey('geofence');

export class RoadWatch {
  private lastKind = -1;
  private lastLimit = -1;
  private tollFromKm = -1;
  private slowSince = -1;
  private fastSince = -1;
  private congested = false;
  private inside = 0;
  private lastFenceCheck = -Infinity;

  /** One driving step on segment `seg` (its kind and road name), after the motion result `m`. */
  step(v: VehicleView, m: MotionResult, seg: number, kind: number, name: string): void {
    const t = v.simTimeS;
    const limitKmh = m.limitMps * KMH;
    const freeway = isFreewayKind(kind);
    if (this.lastKind >= 0 && freeway !== isFreewayKind(this.lastKind)) {
      v.lineAt(freeway ? 'road:freeway:entered' : 'road:freeway:exited').text(KEYS.road, name).end();
    }
    if (this.lastLimit >= 0 && Math.abs(limitKmh - this.lastLimit) > 0.5) {
      v.lineAt('road:speed_limit:changed').text(KEYS.road, name).number(K_FROM, this.lastLimit, 1).number(K_TO, limitKmh, 1).end();
    }
    this.lastKind = kind;
    this.lastLimit = limitKmh;
    const onToll = name === TOLL_ROAD;
    if (onToll && this.tollFromKm < 0) {
      this.tollFromKm = v.odometerKm;
      v.emit('toll:lane:entered', { ...v.here(), road: name, transponder: `FT${v.identity.plate}` });
    } else if (!onToll && this.tollFromKm >= 0) this.leaveToll(v, t);
    if (freeway) this.congestionStep(v, m, seg);
    else if (this.congested) this.clearCongestion(v, t);
    if (t - this.lastFenceCheck >= GEOFENCE_EVERY_S) {
      this.lastFenceCheck = t;
      this.checkFences(v);
    }
  }

  /** Trip over: close open toll and congestion spans. */
  endTrip(v: VehicleView, t: number): void {
    if (this.tollFromKm >= 0) this.leaveToll(v, t);
    if (this.congested) this.clearCongestion(v, t);
    this.lastKind = -1;
    this.lastLimit = -1;
    this.slowSince = -1;
  }

  /** Where the vehicle starts: inside those fences already, so no "entered" at the first check. */
  startAt(v: VehicleView): void {
    this.inside = this.fencesAround(v);
  }

  private fencesAround(v: VehicleView): number {
    const x = v.x;
    const y = v.y;
    let now = 0;
    const fences = v.fences;
    for (let i = 0; i < fences.length; i++) {
      const dx = x - fences[i].x;
      const dy = y - fences[i].y;
      if (dx * dx + dy * dy < fences[i].radius2) now |= 1 << i;
    }
    return now;
  }

  private checkFences(v: VehicleView): void {
    const now = this.fencesAround(v);
    const fences = v.fences;
    const changed = now ^ this.inside;
    if (changed === 0) return;
    for (let i = 0; i < fences.length; i++) {
      if (!(changed & (1 << i))) continue;
      const entered = (now & (1 << i)) !== 0;
      v.lineAt(entered ? fences[i].enteredName : fences[i].exitedName).text(K_GEOFENCE, fences[i].name).end();
    }
    this.inside = now;
  }

  private leaveToll(v: VehicleView, t: number): void {
    const km = v.odometerKm - this.tollFromKm;
    // FasTrak dynamic pricing on the I-15 Express Lanes runs $0.50–$8 with demand.
    const amount = Math.min(8, Math.max(0.5, 0.5 + km * 0.25 * (1 + 3 * v.ctx.peakAt(v.ctx.hourAt(t)))));
    v.emit('toll:lane:exited', { ...v.here(), road: TOLL_ROAD, distance_km: r3(km) });
    v.emit('toll:transaction:completed', { road: TOLL_ROAD, amount_usd: r2(amount), distance_km: r3(km), transponder: `FT${v.identity.plate}` });
    this.tollFromKm = -1;
  }

  private congestionStep(v: VehicleView, m: MotionResult, seg: number): void {
    const t = v.simTimeS;
    const speedKmh = v.speedMps * KMH;
    const limitKmh = m.limitMps * KMH;
    const slow = speedKmh < CONGESTED_FRACTION * limitKmh && v.remainingM() > 500;
    if (slow) {
      this.fastSince = -1;
      if (this.slowSince < 0) this.slowSince = t;
      if (!this.congested && t - this.slowSince >= CONGESTION_MIN_S) {
        this.congested = true;
        v.emit('traffic:congestion:entered', { ...v.here(), road: v.roadName(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), segment: seg });
      }
    } else {
      this.slowSince = -1;
      if (this.congested && speedKmh > 0.7 * limitKmh) {
        if (this.fastSince < 0) this.fastSince = t;
        if (t - this.fastSince >= 20) this.clearCongestion(v, t);
      }
    }
  }

  private clearCongestion(v: VehicleView, _t: number): void {
    this.congested = false;
    this.fastSince = -1;
    v.emit('traffic:congestion:cleared', { ...v.here(), road: v.roadName() });
  }
}
