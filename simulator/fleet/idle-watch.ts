// Idling while the engine runs: "idle started" after 2 minutes stationary, the California 5-minute
// limit for diesel engines, and "idle ended" when the vehicle moves or the engine stops.
import { r1 } from '../events/round.js';
import type { VehicleView } from './vehicle-view.js';

const IDLE_EVENT_S = 120;
const DIESEL_IDLE_LIMIT_S = 300; // California: diesel trucks may not idle longer than 5 minutes
const STILL_MPS = 0.1;

export class IdleWatch {
  private stillSince = -1;
  private reported = false;
  private alerted = false;

  /** One engine-on step at speed `speedMps`; returns whether the vehicle stood still. */
  step(v: VehicleView, t: number, speedMps: number): boolean {
    if (speedMps >= STILL_MPS) {
      this.end(v, t);
      return false;
    }
    if (this.stillSince < 0) this.stillSince = t;
    const still = t - this.stillSince;
    if (!this.reported && still >= IDLE_EVENT_S) {
      this.reported = true;
      v.emit('engine:idle:started', { ...v.here(), stationary_s: r1(still) });
    }
    if (v.isDiesel && !this.alerted && still >= DIESEL_IDLE_LIMIT_S) {
      this.alerted = true;
      v.emit('alert:idle_limit_exceeded', { ...v.here(), idle_s: r1(still), limit_s: DIESEL_IDLE_LIMIT_S, rule: 'CCR 13 §2485' });
    }
    return true;
  }

  /** Moving again or engine off: closes a reported idle. */
  end(v: VehicleView, t: number): void {
    if (this.reported) v.emit('engine:idle:ended', { ...v.here(), idle_s: r1(t - this.stillSince) });
    this.stillSince = -1;
    this.reported = false;
    this.alerted = false;
  }
}
