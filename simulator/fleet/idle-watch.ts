// Idling while the engine runs: "idle started" after 2 minutes stationary, the California 5-minute
// limit for diesel engines, and "idle ended" when the vehicle moves or the engine stops. The clock
// and flags are slot i of the fleet's arrays (stillSince, idleFlags): a step is two array reads.
import { r1 } from '../events/round.js';
import { eventKey } from '../telemetry/event-line.js';
import type { FleetState } from './fleet-state.js';
import type { VehicleView } from './vehicle-view.js';

const IDLE_EVENT_S = 120;
const DIESEL_IDLE_LIMIT_S = 300; // California: diesel trucks may not idle longer than 5 minutes
const STILL_MPS = 0.1;
// FleetState.idleFlags bits.
const REPORTED = 1;
const ALERTED = 2;
const K_STATIONARY = eventKey('stationary_s');
const K_IDLE = eventKey('idle_s');

/** One engine-on step of slot i at its speed in the arrays; returns whether the vehicle stood still. */
export function idleStep(st: FleetState, i: number, v: VehicleView): boolean {
  const t = st.now;
  if (st.speedMps[i] >= STILL_MPS) {
    if (st.stillSince[i] >= 0) idleEnd(st, i, v, t);
    return false;
  }
  if (st.stillSince[i] < 0) st.stillSince[i] = t;
  const still = t - st.stillSince[i];
  if (still < IDLE_EVENT_S) return true;
  const flags = st.idleFlags[i];
  if (!(flags & REPORTED)) {
    st.idleFlags[i] |= REPORTED;
    v.lineAt('engine:idle:started').number(K_STATIONARY, still, 1).end();
  }
  if (v.isDiesel && !(flags & ALERTED) && still >= DIESEL_IDLE_LIMIT_S) {
    st.idleFlags[i] |= ALERTED;
    v.emit('alert:idle_limit_exceeded', { ...v.here(), idle_s: r1(still), limit_s: DIESEL_IDLE_LIMIT_S, rule: 'CCR 13 §2485' });
  }
  return true;
}

/** Moving again or engine off: closes a reported idle. */
export function idleEnd(st: FleetState, i: number, v: VehicleView, t: number): void {
  if (st.idleFlags[i] & REPORTED) v.lineAt('engine:idle:ended').number(K_IDLE, t - st.stillSince[i], 1).end();
  st.stillSince[i] = -1;
  st.idleFlags[i] = 0;
}
