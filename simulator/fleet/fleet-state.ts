// The per-step state of every vehicle of a fleet as typed arrays, one slot per vehicle: the runner
// scans the schedule columns to skip parked vehicles without touching their objects, and the hot
// numbers live in flat memory instead of ~15 boxed doubles scattered over each vehicle's objects.

import { ACCEL_HISTORY, createEmissionModel, type IntervalEmissions, type SlotEmissionModel, type VehicleClass, zeroEmissions } from '../emissions/index.js';
import { DIAGNOSTICS_NUMBERS } from '../events/diagnostics.js';
import { PROFILE_NUMBERS } from '../motion/driver-profile.js';
import { type Kinematics, type MotionLimits, type MotionResult, newMotionResult } from '../motion/follower.js';
import { Outbox } from '../telemetry/outbox.js';
import { TRIP_NUMBERS } from './trip-ledger.js';

export const PARKED = 0;
export const DRIVING = 1;
export const DWELL = 2;

export class FleetState implements Kinematics {
  /** Simulated seconds since the start: the step being run (the same for every vehicle). */
  now = 0;
  /** Where the vehicles' events go; the runner drains it after each vehicle step (and may replace it). */
  out = new Outbox();
  /** PARKED, DRIVING or DWELL. */
  readonly mode: Uint8Array;
  /** When a parked vehicle departs or a dwell ends, simulated s. */
  readonly wakeAt: Float64Array;
  readonly nextHeartbeat: Float64Array;
  /** Next charging update of a parked EV (progress or done); Infinity when not charging. */
  readonly chargeAt: Float64Array;
  /** Every vehicle's random stream (sfc32, four int32 words from slot × 4: common/rng.ts createRngIn). */
  readonly rng: Int32Array;
  /** Last seq this vehicle gave out. */
  readonly seq: Int32Array;
  /** Steps run with the vehicle awake (telemetry every `everySteps` of them). */
  readonly steps: Int32Array;
  readonly speedMps: Float64Array;
  /** The motion model's distance along the route, speed and acceleration while driving (Kinematics). */
  readonly s: Float64Array;
  readonly v: Float64Array;
  readonly a: Float64Array;
  /** Where on its route (Kinematics): segment, next signal, committed to it (motion/follower.ts). */
  readonly seg: Int32Array;
  readonly nextSignal: Int32Array;
  readonly committed: Uint8Array;
  /** Driver hours: seconds driven on the clock, and whether the break-due alert went out (driver-hours.ts). */
  readonly drivenS: Float64Array;
  readonly breakDueSent: Uint8Array;
  readonly odometerKm: Float64Array;
  /** Position in the graph's metric plane, and heading in degrees. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly heading: Float64Array;
  /** Energy store: fuel (kg), battery (Wh) and diesel exhaust fluid (%), the tanks, EV/DIESEL bits, low alerts sent (energy-store.ts). */
  readonly fuelKg: Float64Array;
  readonly socWh: Float64Array;
  readonly defPct: Float64Array;
  readonly tankKg: Float64Array;
  readonly defTankL: Float64Array;
  readonly powertrain: Uint8Array;
  readonly energyAlerts: Uint8Array;
  /** Idle watch: since when the vehicle stands still with the engine on (−1: moving), its event flags (idle-watch.ts). */
  readonly stillSince: Float64Array;
  readonly idleFlags: Uint8Array;
  /** Diagnostics' numbers (coolant, tyres, DPF, service intervals…), DIAGNOSTICS_NUMBERS per vehicle; latent faults and flags (events/diagnostics.ts). */
  readonly diagnostics: Float64Array;
  readonly diagFaults: Int32Array;
  readonly diagFlags: Uint8Array;
  /** Drivers (motion/driver-profile.ts), PROFILE_NUMBERS per vehicle. */
  readonly drivers: Float64Array;
  /** The vehicle's limits: top speed (class, truck rule), and acceleration and deceleration, per vehicle. */
  readonly capMps: Float64Array;
  readonly maxAccel: Float64Array;
  readonly maxDecel: Float64Array;
  /** Until when a speeding episode lasts, simulated s. */
  readonly episodeUntil: Float64Array;
  /** The trip under way: start, idling, top speed and emission totals, TRIP_NUMBERS per vehicle. */
  readonly trips: Float64Array;
  /** The number and id of the trip under way (or the last one): 0 and null before the first (trip-ledger.ts). */
  readonly tripNumber: Int32Array;
  readonly tripIds: (string | null)[];
  /** Scratch for the motion model, refilled by each driving vehicle in turn (one step at a time). */
  readonly limits: MotionLimits = { dtS: 1, simTimeS: 0, speedFactor: 1, capMps: 0, maxAccelMps2: 0, maxDecelMps2: 0, accelMps2: 0, comfortDecelMps2: 0, lateralAccelMps2: 0, runsAmber: false };
  readonly motion: MotionResult = newMotionResult();
  /** What every vehicle's emission model fills per step (read by that vehicle before the next steps). */
  readonly emissions: IntervalEmissions = zeroEmissions();
  /** The emission models' per-vehicle history (two accelerations per slot). */
  readonly accelHistory: Float64Array;
  private readonly models = new Map<VehicleClass, SlotEmissionModel>();

  constructor(readonly size: number) {
    this.mode = new Uint8Array(size);
    this.wakeAt = new Float64Array(size);
    this.nextHeartbeat = new Float64Array(size);
    this.chargeAt = new Float64Array(size).fill(Infinity);
    this.rng = new Int32Array(size * 4);
    this.seq = new Int32Array(size);
    this.steps = new Int32Array(size);
    this.speedMps = new Float64Array(size);
    this.s = new Float64Array(size);
    this.v = new Float64Array(size);
    this.a = new Float64Array(size);
    this.seg = new Int32Array(size);
    this.nextSignal = new Int32Array(size);
    this.committed = new Uint8Array(size);
    this.drivenS = new Float64Array(size);
    this.breakDueSent = new Uint8Array(size);
    this.odometerKm = new Float64Array(size);
    this.x = new Float64Array(size);
    this.y = new Float64Array(size);
    this.heading = new Float64Array(size);
    this.fuelKg = new Float64Array(size);
    this.socWh = new Float64Array(size);
    this.defPct = new Float64Array(size);
    this.tankKg = new Float64Array(size);
    this.defTankL = new Float64Array(size);
    this.powertrain = new Uint8Array(size);
    this.energyAlerts = new Uint8Array(size);
    this.stillSince = new Float64Array(size).fill(-1);
    this.idleFlags = new Uint8Array(size);
    this.diagnostics = new Float64Array(size * DIAGNOSTICS_NUMBERS);
    this.diagFaults = new Int32Array(size);
    this.diagFlags = new Uint8Array(size);
    this.trips = new Float64Array(size * TRIP_NUMBERS);
    this.tripNumber = new Int32Array(size);
    this.tripIds = new Array<string | null>(size).fill(null);
    this.drivers = new Float64Array(size * PROFILE_NUMBERS);
    this.capMps = new Float64Array(size);
    this.maxAccel = new Float64Array(size);
    this.maxDecel = new Float64Array(size);
    this.episodeUntil = new Float64Array(size).fill(-1);
    this.accelHistory = new Float64Array(size * ACCEL_HISTORY);
  }

  /** The class's emission model, shared by its vehicles (each steps it at its slot). */
  modelOf(vehicleClass: VehicleClass): SlotEmissionModel {
    let model = this.models.get(vehicleClass);
    if (!model) {
      model = createEmissionModel(vehicleClass, this.emissions, this.accelHistory);
      this.models.set(vehicleClass, model);
    }
    return model;
  }

  /** A parked vehicle with nothing due at t: the runner skips it. */
  asleep(i: number, t: number): boolean {
    return this.mode[i] === PARKED && t < this.wakeAt[i] && t < this.nextHeartbeat[i] && t < this.chargeAt[i];
  }
}
