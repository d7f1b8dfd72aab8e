// Hours of service for fleet drivers: one "break due" after 8 hours of driving.
import { r2 } from '../events/round.js';
import type { VehicleView } from './vehicle-view.js';

export const HOS_BREAK_DUE_S = 8 * 3600;
const MOVING_MPS = 0.5;

export class DriverHours {
  private sent = false;

  /** @param drivenS driving time already on the clock at the start */
  constructor(private drivenS: number) {}

  step(v: VehicleView, dtS: number, speedMps: number): void {
    if (speedMps <= MOVING_MPS) return;
    this.drivenS += dtS;
    if (!this.sent && this.drivenS >= HOS_BREAK_DUE_S && v.identity.driver_id) {
      this.sent = true;
      v.emit('driver:hos:break_due', { driver_id: v.identity.driver_id, driving_h: r2(this.drivenS / 3600) });
    }
  }
}
