// An EV charging session while parked: level 2 at home (7.2 kW) or away (11 kW), DC fast when the
// battery is low away from home, to 90 % (80 % on DC), with progress every 15 minutes.
import { r1 } from '../events/round.js';
import { eventKey, KEYS } from '../telemetry/event-line.js';
import { EV_BATTERY_WH, type EnergyStore } from './energy-store.js';
import type { VehicleView } from './vehicle-view.js';

const PROGRESS_EVERY_S = 900;
const EFFICIENCY = 0.92;
const DC_FAST_W = 50_000;
const K_LOCATION = eventKey('location');
const K_CHARGER = eventKey('charger_type');
const K_POWER = eventKey('power_kw');

export class ChargeSession {
  private nextProgress: number;
  private open = true;

  private constructor(
    private readonly startS: number,
    private readonly untilS: number,
    private readonly powerW: number,
    private readonly startWh: number,
    private readonly type: string,
  ) {
    this.nextProgress = startS + PROGRESS_EVERY_S;
  }

  /** Plugs in at t and starts charging (events: plug connected, session started). */
  static plugIn(v: VehicleView, energy: EnergyStore, t: number, atHome: boolean, location: string): ChargeSession {
    const powerW = atHome ? 7200 : energy.socPct() < 25 ? DC_FAST_W : 11_000;
    const targetWh = EV_BATTERY_WH * (powerW >= DC_FAST_W ? 0.8 : 0.9);
    const untilS = t + ((targetWh - energy.socWh) / (powerW * EFFICIENCY)) * 3600;
    v.lineAt('charge:plug:connected').text(K_LOCATION, location).end();
    const session = new ChargeSession(t, untilS, powerW, energy.socWh, powerW >= DC_FAST_W ? 'dc_fast' : 'level2');
    // power_kw: 7.2, 11 or 50, which one decimal prints exactly as they are.
    v.line('charge:session:started').number(KEYS.soc_pct, energy.socPct(), 1).text(K_CHARGER, session.type).number(K_POWER, powerW / 1000, 1).text(K_LOCATION, location).end();
    return session;
  }

  /** When the vehicle must be woken next for this session (Infinity once it ended). */
  get dueAt(): number {
    return this.open ? Math.min(this.untilS, this.nextProgress) : Infinity;
  }

  /** Charges up to t: progress, or the end once the target is reached. Returns whether it goes on. */
  step(v: VehicleView, energy: EnergyStore, t: number): boolean {
    if (!this.open) return false;
    const now = Math.min(t, this.untilS);
    energy.socWh = Math.min(EV_BATTERY_WH, this.startWh + ((now - this.startS) * this.powerW * EFFICIENCY) / 3600);
    if (t >= this.untilS) this.end(v, energy, 'target_reached');
    else if (t >= this.nextProgress) {
      this.nextProgress += PROGRESS_EVERY_S;
      v.emit('charge:session:progress', { soc_pct: r1(energy.socPct()), energy_added_wh: r1(energy.socWh - this.startWh), power_kw: this.powerW / 1000 });
    }
    return this.open;
  }

  /** Ends the session (no-op if it already has). */
  end(v: VehicleView, energy: EnergyStore, reason: string): void {
    if (!this.open) return;
    this.open = false;
    energy.charged();
    v.emit('charge:session:completed', { soc_pct: r1(energy.socPct()), energy_added_wh: r1(energy.socWh - this.startWh), charger_type: this.type, reason });
  }
}
