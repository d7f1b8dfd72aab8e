// On-board diagnostics: latent faults drawn per vehicle (prevalence × scenario faultRate) surface as
// DTCs only when the driving exercises them; 12 V battery, tyres, DPF, service intervals and the
// odometer follow from time, distance, fuel burnt and braking.
import type { FleetState } from '../fleet/fleet-state.js';
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Rng } from '../../common/rng.js';
import type { IntervalEmissions, VehicleClass } from '../emissions/index.js';
import { DTC_CODES, type DtcCode } from './catalog.js';
import { eventKey, KEYS } from '../telemetry/event-line.js';
import { r1, r2, r3 } from './round.js';

type Fault = 'thermostat' | 'cooling' | 'misfire' | 'catalyst' | 'vacuum' | 'evap' | 'egr' | 'scr' | 'evPack' | 'evIsolation' | 'wheelSensor' | 'can';
/** What decides which faults a vehicle can have and its service intervals. */
export interface DiagnosticsSpec {
  vehicleClass: VehicleClass;
  isEv: boolean;
  isDiesel: boolean;
  odometerKm: number;
}
const PREVALENCE: Record<Fault, { p: number; applies: (v: DiagnosticsSpec) => boolean }> = {
  thermostat: { p: 0.02, applies: (v) => !v.isEv },
  cooling: { p: 0.015, applies: (v) => !v.isEv },
  misfire: { p: 0.03, applies: (v) => !v.isEv && !v.isDiesel },
  catalyst: { p: 0.03, applies: (v) => !v.isEv && !v.isDiesel },
  vacuum: { p: 0.02, applies: (v) => !v.isEv && !v.isDiesel },
  evap: { p: 0.03, applies: (v) => !v.isEv && !v.isDiesel },
  egr: { p: 0.06, applies: (v) => v.isDiesel },
  scr: { p: 0.05, applies: (v) => v.isDiesel },
  evPack: { p: 0.03, applies: (v) => v.isEv },
  evIsolation: { p: 0.03, applies: (v) => v.isEv },
  wheelSensor: { p: 0.02, applies: () => true },
  can: { p: 0.02, applies: () => true },
};
/** PREVALENCE's entries in order, listed once (not per vehicle built). */
const PREVALENCE_ENTRIES = Object.entries(PREVALENCE) as [Fault, (typeof PREVALENCE)[Fault]][];
const FAULT_BIT = Object.fromEntries(Object.keys(PREVALENCE).map((f, i) => [f, 1 << i])) as Record<Fault, number>;
// The bits as constants for the per-step tests (a keyed lookup per test showed in profiles).
const THERMOSTAT = FAULT_BIT.thermostat;
const COOLING = FAULT_BIT.cooling;
const MISFIRE = FAULT_BIT.misfire;
const CATALYST = FAULT_BIT.catalyst;
const VACUUM = FAULT_BIT.vacuum;
const EVAP = FAULT_BIT.evap;
const EGR = FAULT_BIT.egr;
const SCR = FAULT_BIT.scr;
const EV_PACK = FAULT_BIT.evPack;
const EV_ISOLATION = FAULT_BIT.evIsolation;
const WHEEL_SENSOR = FAULT_BIT.wheelSensor;
const CAN = FAULT_BIT.can;
const NOMINAL_PSI: Record<string, number> = { car: 35, light_truck: 35, ev: 42, van: 55, bus: 110, drayage: 105 };
const K_RESTING = eventKey('resting_v');
const K_CRANKING = eventKey('cranking_v');
const K_HEALTH = eventKey('battery_health_pct');
const K_DUE_AT = eventKey('due_at_km');
const K_PROGRAM = eventKey('program');
const K_SOOT = eventKey('soot_load_pct');
const OIL_KM = 8000;
const SERVICE_KM = 16000;
const ROTATION_KM = 10000;
const INSPECTION_KM = 40000;

// Slots of a vehicle's numbers in the fleet's diagnostics array.
const BATTERY_HEALTH = 0;
const TYRE_PSI = 1;
const LEAK_PSI_PER_S = 2;
const COOLANT_C = 3;
const ENGINE_ON_S = 4;
const IDLE_S = 5;
const CRUISE_S = 6;
const DRIVEN_SINCE_START_S = 7;
const DPF_LOAD = 8;
const BRAKE_WEAR_PCT = 9;
const NEXT_OIL_KM = 10;
const NEXT_SERVICE_KM = 11;
const NEXT_ROTATION_KM = 12;
const NEXT_INSPECTION_KM = 13;
const LAST_PSI_AT = 14;
/** Numbers per vehicle in the fleet's diagnostics array. */
export const DIAGNOSTICS_NUMBERS = 15;
// FleetState.diagFlags bits.
const REGENERATING = 1;
const PADS_WARNED = 2;
/** Some code is set (`active` is not empty): only then does a step look codes up. */
const CODES = 4;

/**
 * A vehicle's diagnostics. Its numbers, latent faults (bits of FAULT_BIT) and flags are slot i of the
 * fleet's arrays (diagnostics, diagFaults, diagFlags), so an engine step (`diagnosticsStep`) reads
 * arrays only; this object holds what is rare: the codes set, the tyre alert, its random stream.
 */
export class Diagnostics {
  /** Codes set, with when; made on the first code (most vehicles never set one). */
  private active: Map<DtcCode, number> | undefined;
  private readonly nominalPsi: number;
  private tyreLow = false;
  private readonly n: Float64Array;
  private readonly base: number;

  constructor(
    v: DiagnosticsSpec,
    readonly rng: Rng,
    faultRate: number,
    private readonly st: FleetState,
    private readonly slot: number,
  ) {
    const n = (this.n = st.diagnostics);
    const base = (this.base = slot * DIAGNOSTICS_NUMBERS);
    n[base + COOLANT_C] = 20;
    let faults = 0;
    for (const [f, d] of PREVALENCE_ENTRIES) {
      if (d.applies(v) && rng.chance(Math.min(1, d.p * faultRate))) faults |= FAULT_BIT[f];
    }
    st.diagFaults[slot] = faults;
    this.n[this.base + BATTERY_HEALTH] = rng.chance(Math.min(1, 0.05 * faultRate)) ? rng.range(0.2, 0.6) : rng.range(0.8, 1);
    this.nominalPsi = NOMINAL_PSI[v.vehicleClass];
    const leaking = rng.chance(Math.min(1, 0.05 * faultRate));
    this.n[this.base + LEAK_PSI_PER_S] = leaking ? rng.range(0.5, 3) / 3600 : 0;
    this.n[this.base + TYRE_PSI] = this.nominalPsi * (leaking ? rng.range(0.86, 0.95) : rng.range(0.95, 1.02));
    this.n[this.base + DPF_LOAD] = v.isDiesel ? rng.next() : 0;
    this.n[this.base + BRAKE_WEAR_PCT] = rng.range(0, 92);
    const odo = v.odometerKm;
    this.n[this.base + NEXT_OIL_KM] = odo + rng.range(-400, OIL_KM);
    this.n[this.base + NEXT_SERVICE_KM] = odo + rng.range(-800, SERVICE_KM);
    this.n[this.base + NEXT_ROTATION_KM] = odo + rng.range(-400, ROTATION_KM);
    this.n[this.base + NEXT_INSPECTION_KM] = odo + rng.range(-1500, INSPECTION_KM);
  }

  /** 12 V battery health 0…1. */
  get batteryHealth(): number {
    return this.n[this.base + BATTERY_HEALTH];
  }

  private has(bit: number): boolean {
    return (this.st.diagFaults[this.slot] & bit) !== 0;
  }

  /** Sets a code (once until cleared). */
  set(v: VehicleView, code: DtcCode, extra: Record<string, unknown> = {}): void {
    this.active ??= new Map();
    if (this.active.has(code)) return;
    this.active.set(code, v.simTimeS);
    this.st.diagFlags[this.slot] |= CODES;
    v.emit(`dtc:set:${code}`, { code, description: DTC_CODES[code].description, mil_on: !DTC_CODES[code].clears, ...extra });
  }

  clear(v: VehicleView, code: DtcCode, reason: string): void {
    if (!this.active?.delete(code)) return;
    if (this.active.size === 0) this.st.diagFlags[this.slot] &= ~CODES;
    v.emit(`dtc:cleared:${code}`, { code, reason });
  }

  /** When `code` was set, or undefined. */
  setAt(code: DtcCode): number | undefined {
    return this.active?.get(code);
  }

  /** Ignition on after `parkedS` seconds: 12 V battery check, intermittent codes, service reminders. */
  onIgnitionOn(v: VehicleView, parkedS: number): void {
    this.n[this.base + ENGINE_ON_S] = 0;
    this.n[this.base + DRIVEN_SINCE_START_S] = 0;
    this.n[this.base + COOLANT_C] = 20 + 60 * Math.exp(-parkedS / 3600);
    this.tyresAt(v);
    const resting = 12.2 + 0.5 * this.n[this.base + BATTERY_HEALTH] - Math.min(0.8, (parkedS / 3600) * 0.03 * (1 - this.n[this.base + BATTERY_HEALTH]));
    const cranking = v.isEv ? resting - 0.2 : resting - 1.6 - 2.4 * (1 - this.n[this.base + BATTERY_HEALTH]);
    v.line('battery:voltage:reading').number(K_RESTING, resting, 2).number(K_CRANKING, cranking, 2).number(K_HEALTH, this.n[this.base + BATTERY_HEALTH] * 100, 1).end();
    if (resting < 12.3) v.emit('battery:voltage:low', { resting_v: r2(resting), threshold_v: 12.3 });
    if (cranking < 9.6) this.set(v, 'P0562', { cranking_v: r2(cranking) });
    if (this.active?.has('P0300') && this.rng.chance(0.5)) this.clear(v, 'P0300', 'not seen this drive cycle');
    if (this.active?.has('C0035')) this.clear(v, 'C0035', 'sensor signal plausible at start-up');
    if (this.has(EV_ISOLATION) && v.ctx.hourAt(v.simTimeS) < 10) this.set(v, 'P0AA6');
    this.reminders(v);
  }

  private reminders(v: VehicleView): void {
    const odo = v.odometerKm;
    const n = this.n;
    const b = this.base;
    if (!v.isEv && odo >= n[b + NEXT_OIL_KM]) v.line('maintenance:oil_change:due').number(KEYS.odometer_km, odo, 1).number(K_DUE_AT, n[b + NEXT_OIL_KM], 1).end();
    if (odo >= n[b + NEXT_SERVICE_KM]) v.line('maintenance:service:due').number(KEYS.odometer_km, odo, 1).number(K_DUE_AT, n[b + NEXT_SERVICE_KM], 1).end();
    if (odo >= n[b + NEXT_ROTATION_KM]) v.line('maintenance:tire_rotation:due').number(KEYS.odometer_km, odo, 1).number(K_DUE_AT, n[b + NEXT_ROTATION_KM], 1).end();
    if ((v.vehicleClass === 'bus' || v.vehicleClass === 'drayage') && odo >= n[b + NEXT_INSPECTION_KM]) {
      v.line('maintenance:inspection:due').number(KEYS.odometer_km, odo, 1).number(K_DUE_AT, n[b + NEXT_INSPECTION_KM], 1).text(K_PROGRAM, 'CHP BIT').end();
    }
  }

  /** Something is overdue (the vehicle may book a visit at its next stop). */
  needsService(v: VehicleView): boolean {
    const odo = v.odometerKm;
    return odo >= this.n[this.base + NEXT_SERVICE_KM] || odo >= this.n[this.base + NEXT_ROTATION_KM] || (!v.isEv && odo >= this.n[this.base + NEXT_OIL_KM]) || this.n[this.base + BRAKE_WEAR_PCT] > 90 || (this.active?.size ?? 0) > 0;
  }

  /** A maintenance visit: everything due is done, codes cleared, tyres set, pads replaced. */
  serviced(v: VehicleView): string[] {
    const odo = v.odometerKm;
    const done: string[] = [];
    if (!v.isEv && odo >= this.n[this.base + NEXT_OIL_KM]) {
      this.n[this.base + NEXT_OIL_KM] = odo + OIL_KM;
      done.push('oil_change');
    }
    if (odo >= this.n[this.base + NEXT_SERVICE_KM]) {
      this.n[this.base + NEXT_SERVICE_KM] = odo + SERVICE_KM;
      done.push('service');
    }
    if (odo >= this.n[this.base + NEXT_ROTATION_KM]) {
      this.n[this.base + NEXT_ROTATION_KM] = odo + ROTATION_KM;
      done.push('tire_rotation');
    }
    if (odo >= this.n[this.base + NEXT_INSPECTION_KM]) {
      this.n[this.base + NEXT_INSPECTION_KM] = odo + INSPECTION_KM;
      done.push('inspection');
    }
    if (this.n[this.base + BRAKE_WEAR_PCT] > 90) {
      this.n[this.base + BRAKE_WEAR_PCT] = 0;
      this.st.diagFlags[this.slot] &= ~PADS_WARNED;
      done.push('brake_pads');
    }
    for (const code of [...(this.active?.keys() ?? [])]) this.clear(v, code, 'repaired at maintenance visit');
    this.st.diagFaults[this.slot] = 0;
    this.inflate(v);
    return done;
  }

  /** Tyres topped up (fuel stop, service). */
  inflate(v: VehicleView): void {
    this.tyresAt(v);
    if (this.tyreLow) v.emit('tpms:pressure:restored', { pressure_psi: r1(this.nominalPsi), nominal_psi: this.nominalPsi });
    this.n[this.base + TYRE_PSI] = this.nominalPsi;
    this.tyreLow = false;
  }

  /** Tyre pressure now (a slow leak), and its alert. */
  tyresAt(v: VehicleView): void {
    this.n[this.base + TYRE_PSI] -= this.n[this.base + LEAK_PSI_PER_S] * (v.simTimeS - this.n[this.base + LAST_PSI_AT]);
    this.n[this.base + LAST_PSI_AT] = v.simTimeS;
    if (!this.tyreLow && this.n[this.base + TYRE_PSI] < 0.85 * this.nominalPsi) {
      this.tyreLow = true;
      v.emit('tpms:pressure:low', { ...v.here(), pressure_psi: r1(this.n[this.base + TYRE_PSI]), nominal_psi: this.nominalPsi, position: 'rear_left' });
    }
  }

  onHarshBraking(v: VehicleView): void {
    if (this.has(WHEEL_SENSOR)) this.set(v, 'C0035', { speed_kmh: r1(v.speedMps * 3.6) });
  }

  /** Ignition off: the evaporative-system monitor runs after a warm drive. */
  onIgnitionOff(v: VehicleView, tripS: number): void {
    if (this.has(EVAP) && tripS > 600) this.set(v, 'P0442');
  }

  onChargeStart(v: VehicleView): void {
    if (this.has(EV_PACK)) this.set(v, 'P0A80', { soc_pct: r1(v.socPct()) });
  }
}

/**
 * One step with the engine (or EV powertrain) on, with emissions `e`, at the vehicle's speed and
 * acceleration: slot i's numbers, faults and flags from the fleet's arrays; `d` only when a code is
 * set or cleared, or for the tyres once a minute.
 */
export function diagnosticsStep(d: Diagnostics, st: FleetState, i: number, v: VehicleView, e: Readonly<IntervalEmissions>): void {
  const n = st.diagnostics;
  const b = i * DIAGNOSTICS_NUMBERS;
  const faults = st.diagFaults[i];
  const dt = v.ctx.dtS;
  const speedMps = v.speedMps;
  const accel = v.accelMps2;
  n[b + ENGINE_ON_S] += dt;
  if (speedMps > 0.5) n[b + DRIVEN_SINCE_START_S] += dt;
  if ((Math.floor(n[b + ENGINE_ON_S]) | 0) % 60 === 0) d.tyresAt(v); // int32 %: a double % is a libm call
  // Coolant warms toward 90 °C (70 °C with a stuck-open thermostat); a cooling fault overheats under load.
  const target = faults & THERMOSTAT ? 70 : faults & COOLING && (speedMps > 25 || accel > 1) ? 125 : 90;
  n[b + COOLANT_C] += (target - n[b + COOLANT_C]) * (dt / 240);
  if (!v.isEv) {
    if (faults & THERMOSTAT && n[b + ENGINE_ON_S] > 900) d.set(v, 'P0128', { coolant_c: r1(n[b + COOLANT_C]) });
    if (n[b + COOLANT_C] > 112) d.set(v, 'P0217', { coolant_c: r1(n[b + COOLANT_C]) });
    else if (n[b + COOLANT_C] < 100 && codeSet(st, i, d, 'P0217')) d.clear(v, 'P0217', 'coolant back below 100 C');
    if (faults & MISFIRE && accel > 1.2 && d.rng.chance(0.05)) d.set(v, 'P0300', { rpm_band: 'high_load' });
    if (faults & CATALYST && n[b + ENGINE_ON_S] > 900 && speedMps > 8) d.set(v, 'P0420');
    n[b + IDLE_S] = speedMps < 0.1 ? n[b + IDLE_S] + dt : 0;
    if (faults & VACUUM && n[b + IDLE_S] > 60) d.set(v, 'P0171', { idle_s: r1(n[b + IDLE_S]) });
  }
  if (v.isDiesel) {
    const fuelG = e.fuel_g;
    n[b + CRUISE_S] = speedMps > 22 ? n[b + CRUISE_S] + dt : 0;
    if (faults & EGR && n[b + CRUISE_S] > 120) d.set(v, 'P0401');
    if (faults & SCR && n[b + ENGINE_ON_S] > 1200) d.set(v, 'P20EE');
    // Soot loads with fuel burnt (~450 km per full filter for a tractor); active regeneration needs sustained speed.
    n[b + DPF_LOAD] += fuelG / 150_000;
    if (!(st.diagFlags[i] & REGENERATING) && n[b + DPF_LOAD] >= 0.8 && speedMps > 16) {
      st.diagFlags[i] |= REGENERATING;
      v.lineAt('dpf:regeneration:started').number(K_SOOT, n[b + DPF_LOAD] * 100, 1).end();
    }
    if (st.diagFlags[i] & REGENERATING) {
      n[b + DPF_LOAD] -= dt / 1200;
      if (n[b + DPF_LOAD] <= 0.05) {
        st.diagFlags[i] &= ~REGENERATING;
        n[b + DPF_LOAD] = 0.05;
        v.emit('dpf:regeneration:completed', { soot_load_pct: 5, odometer_km: r3(v.odometerKm) });
        d.clear(v, 'P2463', 'filter regenerated');
      }
    } else if (n[b + DPF_LOAD] >= 1) d.set(v, 'P2463', { soot_load_pct: r1(n[b + DPF_LOAD] * 100) });
  }
  if (faults & EV_ISOLATION && n[b + DRIVEN_SINCE_START_S] > 600) d.clear(v, 'P0AA6', 'isolation resistance recovered');
  if (faults & CAN && speedMps > 27 && d.rng.chance(0.01)) d.set(v, 'U0100');
  else if (codeSet(st, i, d, 'U0100') && v.simTimeS - (d.setAt('U0100') ?? 0) > 60) d.clear(v, 'U0100', 'communication restored');
  if (codeSet(st, i, d, 'P0562') && n[b + DRIVEN_SINCE_START_S] > 60) d.clear(v, 'P0562', 'charging voltage normal');
  if (accel < 0 && speedMps > 0) n[b + BRAKE_WEAR_PCT] += -accel * speedMps * dt * 2e-6;
  if (!(st.diagFlags[i] & PADS_WARNED) && n[b + BRAKE_WEAR_PCT] > 90) {
    st.diagFlags[i] |= PADS_WARNED;
    v.emit('maintenance:brake_pads:worn', { wear_pct: r1(n[b + BRAKE_WEAR_PCT]), odometer_km: r1(v.odometerKm) });
  }
}

/** Whether `code` is set, without touching `d` while no code is. */
function codeSet(st: FleetState, i: number, d: Diagnostics, code: DtcCode): boolean {
  return (st.diagFlags[i] & CODES) !== 0 && d.setAt(code) !== undefined;
}
