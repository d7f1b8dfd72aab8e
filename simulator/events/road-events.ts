// Events that follow from where the vehicle is: freeway on/off, limit changes, the I-15 Express
// Lanes toll, freeway congestion and the neighbourhood geofences.
import type { FleetState } from '../fleet/fleet-state.js';
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

// FleetState.roadFlags bits.
const CONGESTED = 1;

/** The toll road's index in a graph's road names, or −1 (the context keeps it: `SimContext.tollRoad`). */
export function tollRoadOf(names: readonly string[]): number {
  return names.indexOf(TOLL_ROAD);
}

/**
 * One driving step of slot i on segment `seg` (its kind, and its road as an index in the graph's
 * names: the name itself is read only for an event), after the motion result `m`. The watch's state
 * is slot i of the fleet's arrays (last kind and limit, toll entry, congestion clocks, fences).
 */
export function roadStep(st: FleetState, i: number, v: VehicleView, m: MotionResult, seg: number, kind: number, road: number): void {
  const t = v.simTimeS;
  const limitKmh = m.limitMps * KMH;
  const freeway = isFreewayKind(kind);
  const lastKind = st.lastKind[i];
  if (lastKind >= 0 && freeway !== isFreewayKind(lastKind)) {
    v.lineAt(freeway ? 'road:freeway:entered' : 'road:freeway:exited').text(KEYS.road, v.ctx.graph.names[road]).end();
  }
  const lastLimit = st.lastLimit[i];
  if (lastLimit >= 0 && Math.abs(limitKmh - lastLimit) > 0.5) {
    v.lineAt('road:speed_limit:changed').text(KEYS.road, v.ctx.graph.names[road]).number(K_FROM, lastLimit, 1).number(K_TO, limitKmh, 1).end();
  }
  st.lastKind[i] = kind;
  st.lastLimit[i] = limitKmh;
  const onToll = road === v.ctx.tollRoad;
  if (onToll && st.tollFromKm[i] < 0) {
    st.tollFromKm[i] = v.odometerKm;
    v.emit('toll:lane:entered', { ...v.here(), road: TOLL_ROAD, transponder: `FT${v.identity.plate}` });
  } else if (!onToll && st.tollFromKm[i] >= 0) leaveToll(st, i, v, t);
  if (freeway) congestionStep(st, i, v, m, seg);
  else if (st.roadFlags[i] & CONGESTED) clearCongestion(st, i, v);
  if (t - st.lastFenceCheck[i] >= GEOFENCE_EVERY_S) {
    st.lastFenceCheck[i] = t;
    checkFences(st, i, v);
  }
}

/** Trip over: close open toll and congestion spans. */
export function roadEndTrip(st: FleetState, i: number, v: VehicleView, t: number): void {
  if (st.tollFromKm[i] >= 0) leaveToll(st, i, v, t);
  if (st.roadFlags[i] & CONGESTED) clearCongestion(st, i, v);
  st.lastKind[i] = -1;
  st.lastLimit[i] = -1;
  st.slowSince[i] = -1;
}

/** Where the vehicle starts: inside those fences already, so no "entered" at the first check. */
export function roadStartAt(st: FleetState, i: number, v: VehicleView): void {
  st.fencesInside[i] = fencesAround(v);
}

function fencesAround(v: VehicleView): number {
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

function checkFences(st: FleetState, i: number, v: VehicleView): void {
  const now = fencesAround(v);
  const fences = v.fences;
  const changed = now ^ st.fencesInside[i];
  if (changed === 0) return;
  for (let f = 0; f < fences.length; f++) {
    if (!(changed & (1 << f))) continue;
    const entered = (now & (1 << f)) !== 0;
    v.lineAt(entered ? fences[f].enteredName : fences[f].exitedName).text(K_GEOFENCE, fences[f].name).end();
  }
  st.fencesInside[i] = now;
}

function leaveToll(st: FleetState, i: number, v: VehicleView, t: number): void {
  const km = v.odometerKm - st.tollFromKm[i];
  // FasTrak dynamic pricing on the I-15 Express Lanes runs $0.50–$8 with demand.
  const amount = Math.min(8, Math.max(0.5, 0.5 + km * 0.25 * (1 + 3 * v.ctx.peakAt(v.ctx.hourAt(t)))));
  v.emit('toll:lane:exited', { ...v.here(), road: TOLL_ROAD, distance_km: r3(km) });
  v.emit('toll:transaction:completed', { road: TOLL_ROAD, amount_usd: r2(amount), distance_km: r3(km), transponder: `FT${v.identity.plate}` });
  st.tollFromKm[i] = -1;
}

function congestionStep(st: FleetState, i: number, v: VehicleView, m: MotionResult, seg: number): void {
  const t = v.simTimeS;
  const speedKmh = v.speedMps * KMH;
  const limitKmh = m.limitMps * KMH;
  const slow = speedKmh < CONGESTED_FRACTION * limitKmh && v.remainingM() > 500;
  if (slow) {
    st.fastSince[i] = -1;
    if (st.slowSince[i] < 0) st.slowSince[i] = t;
    if (!(st.roadFlags[i] & CONGESTED) && t - st.slowSince[i] >= CONGESTION_MIN_S) {
      st.roadFlags[i] |= CONGESTED;
      v.emit('traffic:congestion:entered', { ...v.here(), road: v.roadName(), speed_kmh: r1(speedKmh), speed_limit_kmh: r1(limitKmh), segment: seg });
    }
  } else {
    st.slowSince[i] = -1;
    if (st.roadFlags[i] & CONGESTED && speedKmh > 0.7 * limitKmh) {
      if (st.fastSince[i] < 0) st.fastSince[i] = t;
      if (t - st.fastSince[i] >= 20) clearCongestion(st, i, v);
    }
  }
}

function clearCongestion(st: FleetState, i: number, v: VehicleView): void {
  st.roadFlags[i] &= ~CONGESTED;
  st.fastSince[i] = -1;
  v.emit('traffic:congestion:cleared', { ...v.here(), road: v.roadName() });
}
