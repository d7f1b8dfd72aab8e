// A vehicle's fuel tank, traction battery and diesel exhaust fluid, kept in the fleet's arrays (slot
// i), with the low-level alerts that follow from them.
import type { IntervalEmissions, VehicleClass } from '../emissions/index.js';
import { r1 } from '../events/round.js';
import { eventKey, KEYS } from '../telemetry/event-line.js';
import type { Rng } from '../../common/rng.js';
import type { FleetState } from './fleet-state.js';
import type { VehicleView } from './vehicle-view.js';

const GASOLINE_KG_PER_L = 0.745;
const DIESEL_KG_PER_L = 0.832;
const TANK_L: Record<VehicleClass, number> = { car: 50, light_truck: 80, ev: 0, van: 95, bus: 450, drayage: 900 };
export const EV_BATTERY_WH = 65_000;
const FUEL_LOW_PCT = 12;

/** A class's tank: shared by its vehicles (three doubles per vehicle were ~50 B of boxed numbers). */
interface Tank {
  readonly tankKg: number;
  readonly kgPerL: number;
  readonly defTankL: number;
}
const TANKS = new Map<string, Tank>();
function tankOf(vehicleClass: VehicleClass, isDiesel: boolean): Tank {
  const key = `${vehicleClass}/${isDiesel}`;
  let tank = TANKS.get(key);
  if (!tank) {
    const kgPerL = isDiesel ? DIESEL_KG_PER_L : GASOLINE_KG_PER_L;
    tank = { kgPerL, tankKg: TANK_L[vehicleClass] * kgPerL, defTankL: vehicleClass === 'bus' ? 40 : 87 };
    TANKS.set(key, tank);
  }
  return tank;
}
const SOC_LOW_PCT = 20;
const DEF_LOW_PCT = 10;
const K_DEF_LEVEL = eventKey('def_level_pct');
// FleetState.powertrain bits.
export const EV = 1;
export const DIESEL = 2;
// FleetState.energyAlerts bits: each low-level alert once until refilled (recharged).
const FUEL_LOW_SENT = 1;
const SOC_LOW_SENT = 2;
const DEF_LOW_SENT = 4;

export function socPctAt(st: FleetState, i: number): number {
  return (st.socWh[i] / EV_BATTERY_WH) * 100;
}
export function fuelPctAt(st: FleetState, i: number): number {
  return (st.fuelKg[i] / st.tankKg[i]) * 100;
}

/** One interval's energy for slot i: battery or fuel, and DEF at about 3 % of the fuel burnt (1.09 kg/L). */
export function useEnergy(st: FleetState, i: number, e: Readonly<IntervalEmissions>): void {
  const p = st.powertrain[i];
  if (p & EV) st.socWh[i] = Math.max(0, Math.min(EV_BATTERY_WH, st.socWh[i] - e.energy_wh));
  else st.fuelKg[i] = Math.max(0, st.fuelKg[i] - e.fuel_g / 1000);
  if (p & DIESEL) st.defPct[i] = Math.max(0, st.defPct[i] - (e.fuel_g * 0.03 * 100) / (1.09 * 1000 * st.defTankL[i]));
}

/** Raises slot i's low-level alerts, each once until refilled (recharged). */
export function energyAlerts(st: FleetState, i: number, v: VehicleView): void {
  const p = st.powertrain[i];
  const sent = st.energyAlerts[i];
  if (p & EV) {
    if (!(sent & SOC_LOW_SENT) && socPctAt(st, i) < SOC_LOW_PCT) {
      st.energyAlerts[i] = sent | SOC_LOW_SENT;
      v.emit('battery:soc:low', { ...v.here(), soc_pct: r1(socPctAt(st, i)), range_km: r1(st.socWh[i] / 170) });
    }
    return;
  }
  if (!(sent & FUEL_LOW_SENT) && fuelPctAt(st, i) < FUEL_LOW_PCT) {
    st.energyAlerts[i] |= FUEL_LOW_SENT;
    v.lineAt('fuel:level:low').number(KEYS.fuel_level_pct, fuelPctAt(st, i), 1).end();
  }
  if (p & DIESEL && !(sent & DEF_LOW_SENT) && st.defPct[i] < DEF_LOW_PCT) {
    st.energyAlerts[i] |= DEF_LOW_SENT;
    v.lineAt('def:level:low').number(K_DEF_LEVEL, st.defPct[i], 1).end();
  }
}

/**
 * A vehicle's fuel tank, traction battery and diesel exhaust fluid: its levels, tank and alert flags
 * live in the fleet's arrays (slot i; the per-step work is `useEnergy` and `energyAlerts`); this
 * object is for the rare operations (charging, refuelling).
 */
export class EnergyStore {
  private readonly tank: Tank;

  /** Draws the starting levels from the vehicle's stream: fuel, then battery, then DEF. */
  constructor(
    private readonly st: FleetState,
    private readonly slot: number,
    vehicleClass: VehicleClass,
    isEv: boolean,
    isDiesel: boolean,
    rng: Rng,
  ) {
    this.tank = tankOf(vehicleClass, isDiesel);
    st.tankKg[slot] = this.tank.tankKg;
    st.defTankL[slot] = this.tank.defTankL;
    st.powertrain[slot] = (isEv ? EV : 0) | (isDiesel ? DIESEL : 0);
    st.fuelKg[slot] = this.tank.tankKg * rng.range(0.08, 1);
    st.socWh[slot] = EV_BATTERY_WH * rng.range(0.12, 0.95);
    st.defPct[slot] = isDiesel ? rng.range(6, 100) : 0;
  }

  get socWh(): number {
    return this.st.socWh[this.slot];
  }
  set socWh(wh: number) {
    this.st.socWh[this.slot] = wh;
  }
  socPct(): number {
    return socPctAt(this.st, this.slot);
  }
  fuelPct(): number {
    return fuelPctAt(this.st, this.slot);
  }
  defPct(): number {
    return this.st.defPct[this.slot];
  }

  /** After charging: the low-SOC alert fires again only if the battery is still low. */
  charged(): void {
    if (this.socPct() < SOC_LOW_PCT) this.st.energyAlerts[this.slot] |= SOC_LOW_SENT;
    else this.st.energyAlerts[this.slot] &= ~SOC_LOW_SENT;
  }

  /** Fills the tank; returns the litres added. */
  refill(): number {
    const liters = (this.tank.tankKg - this.st.fuelKg[this.slot]) / this.tank.kgPerL;
    this.st.fuelKg[this.slot] = this.tank.tankKg;
    this.st.energyAlerts[this.slot] &= ~FUEL_LOW_SENT;
    return liters;
  }

  refillDef(): number {
    const liters = ((100 - this.defPct()) / 100) * this.tank.defTankL;
    this.st.defPct[this.slot] = 100;
    this.st.energyAlerts[this.slot] &= ~DEF_LOW_SENT;
    return liters;
  }
}
