// One simulated vehicle as a small state machine (parked → driving ⇄ dwelling) that drives routes
// with the motion model and runs its emission model every step with the engine on. The bookkeeping
// lives in its parts: energy store, idle watch, trip ledger, driver hours, charging, and the
// detectors (behaviour, road, diagnostics), which see it only through VehicleView.
import { CLASS_PROFILES, type IntervalEmissions, type SlotEmissionModel, TRUCK_SPEED_LIMIT_KMH, TRUCK_SPEED_LIMIT_MIN_AXLES, type VehicleClass } from '../emissions/index.js';
import { behaviourStep, endSpeeding, resetTripBehaviour } from '../events/behaviour.js';
import { Diagnostics, diagnosticsStep } from '../events/diagnostics.js';
import type { Geofence } from '../events/geofences.js';
import { roadEndTrip, roadStartAt, roadStep } from '../events/road-events.js';
import { r1, r2, r3, r6 } from '../events/round.js';
import { uuidFrom } from '../events/uuid.js';
import { congestionFactor, congestionWave } from '../motion/congestion.js';
import { ACCEL_MPS2 as DRIVER_ACCEL, BUCKLES, COMFORT_DECEL_MPS2, drawDriverProfile, LATERAL_ACCEL_MPS2, PROFILE_NUMBERS, RUNS_AMBER, SPEED_FACTOR, SPEEDING_FACTOR, SPEEDING_PER_MIN } from '../motion/driver-profile.js';
import { KMH, startFollowing, stepMotion } from '../motion/follower.js';
import type { Anchor } from '../roads/graph.js';
import type { Route } from '../roads/route.js';
import { latOf, lonOf } from '../roads/geo.js';
import { type Rng, sfc32Uniform, sfc32Word } from '../../common/rng.js';
import { type Activity, type Leg, planFor, type Plan } from '../trips/itinerary.js';
import { ChargeSession } from './charge-session.js';
import type { SimContext } from './context.js';
import { driverHoursStep, HOS_BREAK_DUE_S } from './driver-hours.js';
import { EnergyStore, energyAlerts, fuelPctAt, socPctAt, useEnergy } from './energy-store.js';
import { DRIVING, DWELL, type FleetState, PARKED } from './fleet-state.js';
import { idleEnd, idleStep } from './idle-watch.js';
import { type VehicleIdentity, vehicleIdOf } from './identity.js';
import { addToTrip, idleInTrip, speedInTrip, startTrip, tripSummary } from './trip-ledger.js';
import { type EventLine, eventKey, KEYS } from '../telemetry/event-line.js';
import { ACCEL_MPS2, CO2_G, CO_G, CREATED_AT, ENERGY_WH, FUEL_G, FUEL_LEVEL_PCT, HC_G, HEADING_DEG, LAT, LON, NOX_G, ODOMETER_KM, PM25_G, SOC_PCT, SPEED_KMH, SPEED_LIMIT_KMH } from '../telemetry/wire.js';
import type { VehicleView } from './vehicle-view.js';

/**
 * Vehicles come online over the first seconds, each at its phase, instead of every vehicle's
 * ignition, doors and login in the first step (100k buses: ~900k events, seconds of CPU at once).
 */
export const STARTUP_SPREAD_S = 10;
const CHARGE_BELOW_PCT = 60;
const K_RUN = eventKey('run_s');
const K_DRIVER = eventKey('driver_id');
const K_BATTERY_V = eventKey('battery_v');
const K_CHARGING = eventKey('charging');
const K_TRIP = eventKey('trip_id');
const K_PURPOSE = eventKey('purpose');
const K_ORIGIN = eventKey('origin');
const K_DESTINATION = eventKey('destination');
const K_PLANNED_KM = eventKey('planned_distance_km');
const K_PLANNED_S = eventKey('planned_duration_s');
const REFUEL_BELOW_PCT = 15;

export class Vehicle implements VehicleView {
  readonly vehicleClass: VehicleClass;
  readonly isEv: boolean;
  readonly isDiesel: boolean;
  readonly fences: readonly Geofence[];
  private readonly model: SlotEmissionModel;
  private readonly diagnostics: Diagnostics;
  private readonly energy: EnergyStore;
  private readonly phaseMs: number;
  private readonly plan: Plan;
  private at: Anchor;
  private leg: Leg | undefined;
  /** The route being driven (undefined when not driving); where on it is in the fleet's arrays. */
  private route: Route | undefined;
  private activities: Activity[] = [];
  private engineOnSince = 0;
  private parkedSince = -3600;
  private charge: ChargeSession | undefined;
  private plugged = false;
  private begun = false;
  private drawn: VehicleIdentity | undefined;
  readonly vehicleId: string;

  constructor(
    readonly index: number,
    vehicleClass: VehicleClass,
    readonly ctx: SimContext,
    private readonly rng: Rng,
    fences: readonly Geofence[],
    private readonly st: FleetState,
    private readonly slot: number,
  ) {
    this.vehicleClass = vehicleClass;
    this.vehicleId = vehicleIdOf(index);
    const cp = CLASS_PROFILES[vehicleClass];
    this.isEv = vehicleClass === 'ev';
    this.isDiesel = cp.isDiesel;
    this.fences = fences;
    drawDriverProfile(rng, st.drivers, slot * PROFILE_NUMBERS);
    this.model = st.modelOf(vehicleClass);
    const legalCap = cp.axles >= TRUCK_SPEED_LIMIT_MIN_AXLES ? TRUCK_SPEED_LIMIT_KMH : Infinity;
    st.capMps[slot] = Math.min(cp.maxSpeedKmh, legalCap) / KMH;
    st.maxAccel[slot] = Math.min(cp.maxAccelMps2, st.drivers[slot * PROFILE_NUMBERS + DRIVER_ACCEL]);
    st.maxDecel[slot] = cp.maxDecelMps2;
    // Draw order is part of the stream: phase, odometer, energy levels, driver hours, faults, plan, heartbeat.
    this.phaseMs = rng.int(1000);
    st.odometerKm[slot] = rng.range(2000, 180_000) * (vehicleClass === 'drayage' || vehicleClass === 'bus' ? 3 : 1);
    this.energy = new EnergyStore(st, slot, vehicleClass, this.isEv, this.isDiesel, rng);
    st.drivenS[slot] = vehicleClass === 'drayage' || vehicleClass === 'van' ? rng.range(0, HOS_BREAK_DUE_S) : 0;
    this.diagnostics = new Diagnostics({ vehicleClass, isEv: this.isEv, isDiesel: this.isDiesel, odometerKm: st.odometerKm[slot] }, rng, ctx.faultRate, st, slot);
    this.plan = planFor(vehicleClass, index, ctx.places, rng);
    this.at = this.plan.start;
    st.nextHeartbeat[slot] = rng.range(0, ctx.heartbeatS);
    this.placeAt(this.at);
    roadStartAt(st, slot, this);
    // Parked until its start step, when the plan begins (FleetState.asleep skips it until then).
    st.mode[slot] = PARKED;
    st.wakeAt[slot] = ctx.dtS * (1 + Math.floor((this.phaseMs * STARTUP_SPREAD_S) / (1000 * ctx.dtS)));
  }

  // ---- VehicleView: what detectors and plans read ------------------------------------------
  /**
   * Drawn on first use (a driver's login, a toll, `sim.vehicles`): drawing every vehicle's with faker
   * was most of a fleet's build, and most private cars never need theirs.
   */
  get identity(): VehicleIdentity {
    this.drawn ??= this.ctx.identityOf(this.index, this.vehicleClass, this.vehicleId);
    return this.drawn;
  }
  get home(): Anchor {
    return this.plan.start;
  }
  get simTimeS(): number {
    return this.st.now;
  }
  get odometerKm(): number {
    return this.st.odometerKm[this.slot];
  }
  get speedMps(): number {
    return this.st.speedMps[this.slot];
  }
  get accelMps2(): number {
    return this.st.a[this.slot];
  }
  get buckles(): boolean {
    return this.st.drivers[this.slot * PROFILE_NUMBERS + BUCKLES] === 1;
  }
  here(): { lat: number; lon: number } {
    return { lat: r6(latOf(this.st.y[this.slot])), lon: r6(lonOf(this.st.x[this.slot])) };
  }
  get x(): number {
    return this.st.x[this.slot];
  }
  get y(): number {
    return this.st.y[this.slot];
  }
  roadName(): string | null {
    return this.route ? this.ctx.graph.names[this.route.segName[this.st.seg[this.slot]]] : null;
  }
  remainingM(): number {
    return this.route ? this.route.lengthM - this.st.s[this.slot] : 0;
  }
  socPct(): number {
    return socPctAt(this.st, this.slot);
  }
  fuelPct(): number {
    return fuelPctAt(this.st, this.slot);
  }
  defLevelPct(): number {
    return this.energy.defPct();
  }
  refillDef(): number {
    return this.energy.refillDef();
  }

  emit(name: string, fields: Record<string, unknown> = {}): void {
    this.st.out.event({ event_uuid: uuidFrom(this.rng), event_name: name, created_at: this.stamp(), vehicle_id: this.vehicleId, seq: ++this.st.seq[this.slot], ...fields });
  }

  line(name: string): EventLine {
    // What emit draws, in its order: the UUID's words (Rng.u32 of the vehicle's stream, from the fleet's array), the stamp, the next seq.
    const state = this.st.rng;
    const k = this.slot * 4;
    const a = sfc32Word(state, k) >>> 0;
    const b = sfc32Word(state, k) >>> 0;
    const c = sfc32Word(state, k) >>> 0;
    const d = sfc32Word(state, k) >>> 0;
    return this.st.out.line.begin(name, a, b, c, d, this.stamp(), this.index, this.vehicleId, ++this.st.seq[this.slot]);
  }

  lineAt(name: string): EventLine {
    return this.line(name).number(KEYS.lat, latOf(this.st.y[this.slot]), 6).number(KEYS.lon, lonOf(this.st.x[this.slot]), 6);
  }

  private stamp(): number {
    return Math.round(this.ctx.epochStartMs + this.st.now * 1000 + this.phaseMs) / 1000;
  }

  // ---- the state machine ----------------------------------------------------------------------
  /** One step at t; the runner skips parked vehicles with nothing due (FleetState.asleep). */
  step(t: number): void {
    const mode = this.st.mode[this.slot];
    if (mode === PARKED) {
      this.parkedStep(t);
      return;
    }
    this.st.steps[this.slot]++;
    if (mode === DRIVING) this.driveStep(t);
    else this.dwellStep(t);
  }

  private parkedStep(t: number): void {
    const st = this.st;
    const i = this.slot;
    if (this.charge) {
      if (!this.charge.step(this, this.energy, t)) this.charge = undefined;
      st.chargeAt[i] = this.charge?.dueAt ?? Infinity;
    }
    if (t >= st.nextHeartbeat[i]) {
      st.nextHeartbeat[i] = t + this.ctx.heartbeatS;
      const line = this.lineAt('vehicle:heartbeat').number(KEYS.odometer_km, this.odometerKm, 3).number(K_BATTERY_V, 12.2 + 0.5 * this.diagnostics.batteryHealth, 2);
      if (this.isEv) line.number(KEYS.soc_pct, this.socPct(), 1).flag(K_CHARGING, this.charge !== undefined).end();
      else line.number(KEYS.fuel_level_pct, this.fuelPct(), 1).end();
    }
    if (t < st.wakeAt[i]) return;
    if (this.begun) this.depart(t);
    else {
      this.begun = true;
      this.beginPlan(t);
    }
  }

  private dwellStep(t: number): void {
    if (this.st.engineOn[this.slot] === 1) this.engineStep(); // standing: speed and acceleration 0 (arrive)
    if (t >= this.st.wakeAt[this.slot]) this.nextActivity(t);
  }

  private driveStep(t: number): void {
    const route = this.route as Route;
    const ctx = this.ctx;
    const st = this.st;
    const i = this.slot;
    const kind = route.segKind[st.seg[i]];
    const wave = congestionWave(t, this.phaseMs / 1000);
    const drivers = st.drivers;
    const p = i * PROFILE_NUMBERS;
    // Rng.chance and Rng.range of the vehicle's stream, drawn from the fleet's array (no object touched).
    if (st.episodeUntil[i] < t && sfc32Uniform(st.rng, i * 4) < (drivers[p + SPEEDING_PER_MIN] * ctx.dtS) / 60) st.episodeUntil[i] = t + (30 + (240 - 30) * sfc32Uniform(st.rng, i * 4));
    const driverFactor = st.episodeUntil[i] >= t ? drivers[p + SPEEDING_FACTOR] : drivers[p + SPEED_FACTOR];
    const lim = st.limits;
    lim.dtS = ctx.dtS;
    lim.simTimeS = t;
    lim.speedFactor = congestionFactor(ctx.peakAt(ctx.hourAt(t)), kind, wave) * driverFactor;
    lim.capMps = st.capMps[i];
    lim.maxAccelMps2 = st.maxAccel[i];
    lim.maxDecelMps2 = st.maxDecel[i];
    lim.accelMps2 = drivers[p + DRIVER_ACCEL];
    lim.comfortDecelMps2 = drivers[p + COMFORT_DECEL_MPS2];
    lim.lateralAccelMps2 = drivers[p + LATERAL_ACCEL_MPS2];
    lim.runsAmber = drivers[p + RUNS_AMBER] === 1;
    const m = stepMotion(route, st, i, lim, st.motion);
    const fv = st.v[i];
    const seg = st.seg[i];
    const segStart = route.s[seg];
    const segLen = route.s[seg + 1] - segStart;
    const u = segLen > 0 ? Math.min(1, (st.s[i] - segStart) / segLen) : 0;
    st.x[i] = route.x[seg] + u * (route.x[seg + 1] - route.x[seg]);
    st.y[i] = route.y[seg] + u * (route.y[seg + 1] - route.y[seg]);
    st.heading[i] = route.segHeadingDeg[seg];
    st.odometerKm[i] += (fv + st.speedMps[i]) * 0.5 * ctx.dtS * 0.001;
    st.speedMps[i] = fv;
    // The detectors read this step's numbers from the arrays and the motion result (a double passed
    // to a call V8 does not inline is boxed: ~4 per step were most of a driving step's garbage).
    behaviourStep(st, i, this, this.diagnostics, m);
    roadStep(st, i, this, m, seg, route.segKind[seg], route.segName[seg]);
    driverHoursStep(st, i, this);
    speedInTrip(st, i, fv * KMH);
    const arrived = m.arrived;
    this.engineStep();
    if (arrived) this.arrive(t);
  }

  /** Emissions, energy, idling and telemetry for one step with the engine on, at the speed and acceleration in the arrays. */
  private engineStep(): void {
    const ctx = this.ctx;
    const st = this.st;
    const i = this.slot;
    const e = this.model.stepAt(i, st, 0, ctx.dtS);
    addToTrip(st, i, e);
    useEnergy(st, i, e);
    diagnosticsStep(this.diagnostics, st, i, this, e);
    if (idleStep(st, i, this)) idleInTrip(st, i, ctx.dtS);
    energyAlerts(st, i, this);
    if (st.steps[i] % ctx.everySteps === 0) this.telemetry(e);
  }

  /** Raw values into the outbox's reading: the writer rounds while it prints them. */
  private telemetry(e: Readonly<IntervalEmissions>): void {
    const st = this.st;
    const i = this.slot;
    const v = st.speedMps[i];
    const noise = this.ctx.gpsNoiseM;
    let nx = 0;
    let ny = 0;
    if (noise > 0) {
      // Both offsets from one Box–Muller pair: two uniforms, one log and one sqrt per reading.
      const r = Math.sqrt(-2 * Math.log(1 - sfc32Uniform(st.rng, i * 4)));
      const angle = 2 * Math.PI * sfc32Uniform(st.rng, i * 4);
      nx = clip(r * Math.cos(angle), 2.5) * noise;
      ny = clip(r * Math.sin(angle), 2.5) * noise;
    }
    const route = st.mode[i] === DRIVING ? this.route : undefined;
    const r = st.out.reading;
    const n = r.n;
    n[CREATED_AT] = this.stamp();
    r.vehicle_id = this.vehicleId;
    r.index = this.index;
    r.seq = ++st.seq[i];
    r.vehicle_class = this.vehicleClass;
    r.trip_id = st.tripIds[i];
    r.trip = st.tripNumber[i];
    n[LAT] = latOf(st.y[i] + ny);
    n[LON] = lonOf(st.x[i] + nx);
    n[HEADING_DEG] = st.heading[i];
    n[SPEED_KMH] = v * KMH;
    n[ACCEL_MPS2] = st.a[i];
    n[ODOMETER_KM] = st.odometerKm[i];
    r.roadId = route ? route.segName[st.seg[i]] : -1;
    r.road = route ? this.ctx.graph.names[r.roadId] : null;
    n[SPEED_LIMIT_KMH] = route ? st.motion.limitMps * KMH : NaN; // this vehicle's motion result while driving
    n[CO2_G] = e.co2_g;
    n[NOX_G] = e.nox_g;
    n[PM25_G] = e.pm25_g;
    n[CO_G] = e.co_g;
    n[HC_G] = e.hc_g;
    // Only the powertrain's pair is printed (the writer picks it by r.ev).
    r.ev = this.isEv;
    if (r.ev) {
      n[ENERGY_WH] = e.energy_wh;
      n[SOC_PCT] = socPctAt(st, i);
    } else {
      n[FUEL_G] = e.fuel_g;
      n[FUEL_LEVEL_PCT] = fuelPctAt(st, i);
    }
    st.out.telemetry(st.rng, i * 4);
  }

  // ---- trips and stops --------------------------------------------------------------------------
  private beginPlan(t: number): void {
    const first = this.plan.initial(this, t);
    if (first.kind === 'park') this.park(t, first.departInS);
    else {
      this.activities = first.activities;
      this.nextActivity(t);
    }
  }

  private depart(t: number): void {
    if (this.plugged) this.unplug(t);
    this.ignitionOn(t);
    this.startLeg(t, this.plan.nextLeg(this, this.at, t));
  }

  private startLeg(t: number, leg: Leg): void {
    this.leg = leg;
    const route = this.ctx.routes.route(this.at.node, leg.to.node);
    if (route.points < 2) throw new Error(`${this.vehicleId}: empty route from ${this.at.name} to ${leg.to.name}`); // plans never pick the place they are at
    this.route = route;
    startFollowing(this.st, this.slot);
    this.st.mode[this.slot] = DRIVING;
    const tripId = startTrip(this.st, this.slot, this.vehicleId, t, this.odometerKm);
    resetTripBehaviour(this.st, this.slot);
    this.lineAt('trip:started')
      .id(K_TRIP, tripId)
      .text(K_PURPOSE, leg.purpose)
      .text(K_ORIGIN, this.at.name)
      .text(K_DESTINATION, leg.to.name)
      .number(K_PLANNED_KM, route.lengthM / 1000, 3)
      .number(K_PLANNED_S, route.freeFlowS, 0)
      .end();
  }

  private arrive(t: number): void {
    const leg = this.leg as Leg;
    endSpeeding(this.st, this.slot, this, t);
    roadEndTrip(this.st, this.slot, this, t);
    this.emit('trip:ended', {
      ...this.here(),
      trip_id: this.st.tripIds[this.slot],
      purpose: leg.purpose,
      origin: this.at.name,
      destination: leg.to.name,
      ...tripSummary(this.st, this.slot, t, this.odometerKm, this),
    });
    this.at = leg.to;
    this.route = undefined;
    this.st.speedMps[this.slot] = 0;
    this.st.a[this.slot] = 0;
    this.placeAt(this.at);
    this.activities = this.plan.arrived(this, leg, t);
    if (this.diagnostics.needsService(this) && this.rng.chance(0.1)) this.activities.push(maintenanceVisit(this, this.diagnostics));
    if (!this.isEv && this.fuelPct() < REFUEL_BELOW_PCT) this.activities.unshift(refuel(this, this.energy, this.diagnostics));
    this.nextActivity(t);
  }

  private nextActivity(t: number): void {
    const done = this.st.mode[this.slot] === DWELL ? this.activities.shift() : undefined;
    done?.end?.(this);
    const next = this.activities[0];
    if (!next) {
      const after = this.plan.afterStops(this, t);
      if (after.kind === 'park') this.park(t, after.departInS);
      else this.startLeg(t, after.leg);
      return;
    }
    if (next.engineOn) this.ignitionOn(t);
    else this.ignitionOff(t);
    this.st.mode[this.slot] = DWELL;
    this.st.wakeAt[this.slot] = t + next.durationS;
    next.begin?.(this);
  }

  private park(t: number, departInS: number): void {
    this.ignitionOff(t);
    this.st.mode[this.slot] = PARKED;
    this.st.wakeAt[this.slot] = t + Math.max(this.ctx.dtS, departInS);
    if (this.isEv && this.socPct() < CHARGE_BELOW_PCT) {
      this.plugged = true;
      this.charge = ChargeSession.plugIn(this, this.energy, t, this.at === this.plan.start, this.at.name);
      this.st.chargeAt[this.slot] = this.charge.dueAt;
      this.diagnostics.onChargeStart(this);
    }
  }

  private unplug(t: number): void {
    if (this.charge) {
      this.charge.step(this, this.energy, t);
      this.charge.end(this, this.energy, 'driver_departed');
      this.charge = undefined;
      this.st.chargeAt[this.slot] = Infinity;
    }
    this.plugged = false;
    this.emit('charge:plug:disconnected', { soc_pct: r1(this.socPct()) });
  }

  // ---- doors and ignition -----------------------------------------------------------------------
  private ignitionOn(t: number): void {
    if (this.st.engineOn[this.slot] === 1) return;
    this.st.engineOn[this.slot] = 1;
    this.engineOnSince = t;
    this.model.resetAt(this.slot);
    this.line('door:unlocked').end();
    this.line('door:opened:driver').end();
    this.line('door:closed:driver').end();
    this.lineAt('ignition:on').number(KEYS.odometer_km, this.odometerKm, 3).end();
    if (this.isEv) this.line('powertrain:ready').number(KEYS.soc_pct, this.socPct(), 1).end();
    else this.line('engine:started').number(KEYS.fuel_level_pct, this.fuelPct(), 1).end();
    if (this.plan.fleetDriver) this.line('driver:login').id(K_DRIVER, this.identity.driver_id).end();
    if (this.buckles) this.line('driver:seatbelt:fastened').end();
    this.diagnostics.onIgnitionOn(this, t - this.parkedSince);
  }

  private ignitionOff(t: number): void {
    if (this.st.engineOn[this.slot] === 0) return;
    idleEnd(this.st, this.slot, this, t);
    this.st.engineOn[this.slot] = 0;
    this.parkedSince = t;
    this.diagnostics.onIgnitionOff(this, t - this.engineOnSince);
    this.line(this.isEv ? 'powertrain:off' : 'engine:stopped').number(K_RUN, t - this.engineOnSince, 1).end();
    this.lineAt('ignition:off').number(KEYS.odometer_km, this.odometerKm, 3).end();
    if (this.buckles) this.line('driver:seatbelt:unfastened').end();
    if (this.plan.fleetDriver) this.line('driver:logout').id(K_DRIVER, this.identity.driver_id).end();
    this.line('door:opened:driver').end();
    this.line('door:closed:driver').end();
    this.line('door:locked').end();
  }

  private placeAt(a: Anchor): void {
    this.st.x[this.slot] = this.ctx.graph.x[a.node];
    this.st.y[this.slot] = this.ctx.graph.y[a.node];
  }
}

function clip(x: number, limit: number): number {
  return x > limit ? limit : x < -limit ? -limit : x;
}

function refuel(v: VehicleView, energy: EnergyStore, diagnostics: Diagnostics): Activity {
  let startPct = 0;
  return {
    kind: 'refuel',
    engineOn: false,
    durationS: 360,
    begin: () => {
      startPct = v.fuelPct();
      v.emit('fuel:refuel:started', { ...v.here(), fuel_level_pct: r1(startPct) });
    },
    end: () => {
      const liters = energy.refill();
      v.emit('fuel:refuel:completed', { ...v.here(), liters: r2(liters), fuel_level_pct: 100, fuel_type: v.isDiesel ? 'diesel' : 'gasoline' });
      diagnostics.inflate(v);
    },
  };
}

function maintenanceVisit(v: VehicleView, diagnostics: Diagnostics): Activity {
  return {
    kind: 'maintenance',
    engineOn: false,
    durationS: 2700,
    begin: () => v.emit('maintenance:visit:started', { ...v.here(), odometer_km: r3(v.odometerKm) }),
    end: () => v.emit('maintenance:visit:completed', { ...v.here(), odometer_km: r3(v.odometerKm), services: diagnostics.serviced(v) }),
  };
}
