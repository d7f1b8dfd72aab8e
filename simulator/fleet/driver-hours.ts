// Hours of service for fleet drivers: one "break due" after 8 hours of driving. The clock is slot i
// of the fleet's `drivenS` (drawn at build: driving time already on it), the alert flag `breakDueSent`.
import { r2 } from '../events/round.js';
import type { FleetState } from './fleet-state.js';
import type { VehicleView } from './vehicle-view.js';

export const HOS_BREAK_DUE_S = 8 * 3600;
const MOVING_MPS = 0.5;

/** One driving step of slot i at its speed in the arrays. */
export function driverHoursStep(st: FleetState, i: number, v: VehicleView): void {
  if (st.speedMps[i] <= MOVING_MPS) return;
  const drivenS = (st.drivenS[i] += v.ctx.dtS);
  if (st.breakDueSent[i] === 0 && drivenS >= HOS_BREAK_DUE_S && v.identity.driver_id) {
    st.breakDueSent[i] = 1;
    v.emit('driver:hos:break_due', { driver_id: v.identity.driver_id, driving_h: r2(drivenS / 3600) });
  }
}
