// A vehicle's fuel tank, traction battery and diesel exhaust fluid, kept in the fleet's arrays (slot
// i), with the low-level alerts that follow from them.
import type { IntervalEmissions, VehicleClass } from '../emissions/index.js';
import { r1 } from '../events/round.js';
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

export class EnergyStore {
  private readonly tank: Tank;
  private fuelLowSent = false;
  private socLowSent = false;
  private defLowSent = false;

  /** Draws the starting levels from the vehicle's stream: fuel, then battery, then DEF. */
  constructor(
    private readonly st: FleetState,
    private readonly slot: number,
    vehicleClass: VehicleClass,
    private readonly isEv: boolean,
    private readonly isDiesel: boolean,
    rng: Rng,
  ) {
    this.tank = tankOf(vehicleClass, isDiesel);
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
    return (this.st.socWh[this.slot] / EV_BATTERY_WH) * 100;
  }
  fuelPct(): number {
    return (this.st.fuelKg[this.slot] / this.tank.tankKg) * 100;
  }
  defPct(): number {
    return this.st.defPct[this.slot];
  }

  /** One interval's energy: battery or fuel, and DEF at about 3 % of the fuel burnt (1.09 kg/L). */
  use(e: Readonly<IntervalEmissions>): void {
    const st = this.st;
    const i = this.slot;
    if (this.isEv) st.socWh[i] = Math.max(0, Math.min(EV_BATTERY_WH, st.socWh[i] - e.energy_wh));
    else st.fuelKg[i] = Math.max(0, st.fuelKg[i] - e.fuel_g / 1000);
    if (this.isDiesel) st.defPct[i] = Math.max(0, st.defPct[i] - (e.fuel_g * 0.03 * 100) / (1.09 * 1000 * this.tank.defTankL));
  }

  /** Raises each low-level alert once until refilled (recharged). */
  alerts(v: VehicleView): void {
    if (this.isEv) {
      if (!this.socLowSent && this.socPct() < SOC_LOW_PCT) {
        this.socLowSent = true;
        v.emit('battery:soc:low', { ...v.here(), soc_pct: r1(this.socPct()), range_km: r1(this.socWh / 170) });
      }
      return;
    }
    if (!this.fuelLowSent && this.fuelPct() < FUEL_LOW_PCT) {
      this.fuelLowSent = true;
      v.emit('fuel:level:low', { ...v.here(), fuel_level_pct: r1(this.fuelPct()) });
    }
    if (this.isDiesel && !this.defLowSent && this.defPct() < DEF_LOW_PCT) {
      this.defLowSent = true;
      v.emit('def:level:low', { ...v.here(), def_level_pct: r1(this.defPct()) });
    }
  }

  /** After charging: the low-SOC alert fires again only if the battery is still low. */
  charged(): void {
    this.socLowSent = this.socPct() < SOC_LOW_PCT;
  }

  /** Fills the tank; returns the litres added. */
  refill(): number {
    const liters = (this.tank.tankKg - this.st.fuelKg[this.slot]) / this.tank.kgPerL;
    this.st.fuelKg[this.slot] = this.tank.tankKg;
    this.fuelLowSent = false;
    return liters;
  }

  refillDef(): number {
    const liters = ((100 - this.defPct()) / 100) * this.tank.defTankL;
    this.st.defPct[this.slot] = 100;
    this.defLowSent = false;
    return liters;
  }
}
