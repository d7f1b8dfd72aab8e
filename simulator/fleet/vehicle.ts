// One simulated vehicle: a small state machine (parked → driving ⇄ dwelling) that drives routes
// with the motion model, runs its emission model every step and raises the events that follow.
import { CLASS_PROFILES, TRUCK_SPEED_LIMIT_KMH, TRUCK_SPEED_LIMIT_MIN_AXLES, addEmissions, createEmissionModel, zeroEmissions, type EmissionModel, type VehicleClass } from '../emissions/index.js';
import { BehaviourWatch } from '../events/behaviour.js';
import { Diagnostics } from '../events/diagnostics.js';
import { type Geofence, RoadWatch } from '../events/road-events.js';
import { r1, r2, r3, r5, r6 } from '../events/round.js';
import { uuidFrom } from '../events/uuid.js';
import { congestionFactor, congestionWave } from '../motion/congestion.js';
import { type DriverProfile, drawDriverProfile } from '../motion/driver-profile.js';
import { type FollowerState, type MotionLimits, startFollowing, stepMotion } from '../motion/follower.js';
import type { Anchor } from '../roads/graph.js';
import { latOf, lonOf } from '../roads/geo.js';
import type { Rng } from '../../common/rng.js';
import { type Activity, type Leg, planFor, type Plan } from '../trips/itinerary.js';
import type { Outbox } from '../telemetry/outbox.js';
import type { SimContext } from './context.js';
import { DRIVING, DWELL, type FleetState, PARKED } from './fleet-state.js';
import type { VehicleIdentity } from './identity.js';

const KMH = 3.6;
const GASOLINE_KG_PER_L = 0.745;
const DIESEL_KG_PER_L = 0.832;
const TANK_L: Record<VehicleClass, number> = { car: 50, light_truck: 80, ev: 0, van: 95, bus: 450, drayage: 900 };
const EV_BATTERY_WH = 65_000;
const IDLE_EVENT_S = 120;
const DIESEL_IDLE_LIMIT_S = 300; // California: diesel trucks may not idle longer than 5 minutes
const HOS_BREAK_DUE_S = 8 * 3600;

export class Vehicle {
  readonly vehicleClass: VehicleClass;
  readonly isEv: boolean;
  readonly isDiesel: boolean;
  readonly profile: DriverProfile;
  readonly diagnostics: Diagnostics;
  readonly fences: readonly Geofence[];
  /** Where this vehicle's events go; the runner drains it after each vehicle step. */
  out: Outbox;

  private readonly model: EmissionModel;
  private readonly capMps: number;
  private readonly maxAccel: number;
  private readonly maxDecel: number;
  private readonly phaseMs: number;
  private readonly tankKg: number;
  private readonly plan: Plan;
  private readonly behaviour = new BehaviourWatch();
  private readonly road = new RoadWatch();
  private at: Anchor;
  private leg: Leg | undefined;
  private follow: FollowerState | undefined;
  private activities: Activity[] = [];
  private engineOn = false;
  private engineOnSince = 0;
  private parkedSince = -3600;
  private tripNo = 0;
  private tripId: string | null = null;
  private trip = { startS: 0, startKm: 0, emissions: zeroEmissions(), idleS: 0, maxKmh: 0 };
  private stillSince = -1;
  private idleReported = false;
  private idleAlerted = false;
  private fuelLowSent = false;
  private socLowSent = false;
  private defLowSent = false;
  private episodeUntil = -1;
  private hosDrivenS: number;
  private hosSent = false;
  private charge: { startS: number; untilS: number; powerW: number; startWh: number; nextProgress: number; type: string } | undefined;
  private plugged = false;

  constructor(
    readonly index: number,
    readonly identity: VehicleIdentity,
    vehicleClass: VehicleClass,
    readonly ctx: SimContext,
    private readonly rng: Rng,
    fences: readonly Geofence[],
    out: Outbox,
    private readonly st: FleetState,
    private readonly slot: number,
  ) {
    this.out = out;
    this.vehicleClass = vehicleClass;
    const cp = CLASS_PROFILES[vehicleClass];
    this.isEv = vehicleClass === 'ev';
    this.isDiesel = cp.isDiesel;
    this.fences = fences;
    this.profile = drawDriverProfile(rng);
    this.model = createEmissionModel(vehicleClass);
    const legalCap = cp.axles >= TRUCK_SPEED_LIMIT_MIN_AXLES ? TRUCK_SPEED_LIMIT_KMH : Infinity;
    this.capMps = Math.min(cp.maxSpeedKmh, legalCap) / KMH;
    this.maxAccel = Math.min(cp.maxAccelMps2, this.profile.accelMps2);
    this.maxDecel = cp.maxDecelMps2;
    this.phaseMs = rng.int(1000);
    st.odometerKm[slot] = rng.range(2000, 180_000) * (vehicleClass === 'drayage' || vehicleClass === 'bus' ? 3 : 1);
    this.tankKg = TANK_L[vehicleClass] * (cp.isDiesel ? DIESEL_KG_PER_L : GASOLINE_KG_PER_L);
    st.fuelKg[slot] = this.tankKg * rng.range(0.08, 1);
    st.socWh[slot] = EV_BATTERY_WH * rng.range(0.12, 0.95);
    st.defPct[slot] = cp.isDiesel ? rng.range(6, 100) : 0;
    this.hosDrivenS = vehicleClass === 'drayage' || vehicleClass === 'van' ? rng.range(0, HOS_BREAK_DUE_S) : 0;
    this.diagnostics = new Diagnostics(this, rng, ctx.faultRate);
    this.plan = planFor(this, ctx.places, rng);
    this.at = this.plan.start;
    st.nextHeartbeat[slot] = rng.range(0, ctx.heartbeatS);
    this.placeAt(this.at);
    this.road.startAt(this);
    this.beginPlan(0);
  }

  // ---- what detectors read ------------------------------------------------------------------
  get simTimeS(): number {
    return this.st.now;
  }
  get odometerKm(): number {
    return this.st.odometerKm[this.slot];
  }
  get speedMps(): number {
    return this.st.speedMps[this.slot];
  }
  get home(): Anchor {
    return this.plan.start;
  }
  here(): { lat: number; lon: number } {
    return { lat: r6(latOf(this.st.y[this.slot])), lon: r6(lonOf(this.st.x[this.slot])) };
  }
  truePosition(): { lat: number; lon: number } {
    return { lat: latOf(this.st.y[this.slot]), lon: lonOf(this.st.x[this.slot]) };
  }
  roadName(): string | null {
    return this.follow ? this.ctx.graph.names[this.follow.route.segName[this.follow.seg]] : null;
  }
  remainingM(): number {
    return this.follow ? this.follow.route.lengthM - this.follow.s : 0;
  }
  socPct(): number {
    return (this.st.socWh[this.slot] / EV_BATTERY_WH) * 100;
  }
  fuelPct(): number {
    return (this.st.fuelKg[this.slot] / this.tankKg) * 100;
  }

  emit(name: string, fields: Record<string, unknown> = {}): void {
    this.out.event({ event_uuid: uuidFrom(this.rng), event_name: name, created_at: this.stamp(), vehicle_id: this.identity.vehicle_id, seq: ++this.st.seq[this.slot], ...fields });
  }

  private stamp(): number {
    return Math.round(this.ctx.epochStartMs + this.simTimeS * 1000 + this.phaseMs) / 1000;
  }

  // ---- the step -------------------------------------------------------------------------------
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
    if (this.charge) this.chargeStep(t);
    if (t >= this.st.nextHeartbeat[this.slot]) {
      this.st.nextHeartbeat[this.slot] = t + this.ctx.heartbeatS;
      const energy = this.isEv ? { soc_pct: r1(this.socPct()), charging: this.charge !== undefined } : { fuel_level_pct: r1(this.fuelPct()) };
      this.emit('vehicle:heartbeat', { ...this.here(), odometer_km: r3(this.odometerKm), battery_v: r2(12.2 + 0.5 * this.diagnostics.batteryHealth), ...energy });
    }
    if (t >= this.st.wakeAt[this.slot]) this.depart(t);
  }

  private dwellStep(t: number): void {
    if (this.engineOn) this.engineStep(t, 0, 0);
    if (t >= this.st.wakeAt[this.slot]) this.nextActivity(t);
  }

  private driveStep(t: number): void {
    const f = this.follow as FollowerState;
    const ctx = this.ctx;
    const route = f.route;
    const hour = ctx.hourAt(t);
    const kind = route.segKind[f.seg];
    const wave = congestionWave(t, this.phaseMs / 1000);
    if (this.episodeUntil < t && this.rng.chance((this.profile.speedingPerMin * ctx.dtS) / 60)) this.episodeUntil = t + this.rng.range(30, 240);
    const driverFactor = this.episodeUntil >= t ? this.profile.speedingFactor : this.profile.speedFactor;
    const lim = limits;
    lim.dtS = ctx.dtS;
    lim.simTimeS = t;
    lim.speedFactor = congestionFactor(hour, kind, wave) * driverFactor;
    lim.capMps = this.capMps;
    lim.maxAccelMps2 = this.maxAccel;
    lim.maxDecelMps2 = this.maxDecel;
    const m = stepMotion(f, this.profile, lim);
    const seg = f.seg;
    const segStart = route.s[seg];
    const segLen = route.s[seg + 1] - segStart;
    const u = segLen > 0 ? Math.min(1, (f.s - segStart) / segLen) : 0;
    this.st.x[this.slot] = route.x[seg] + u * (route.x[seg + 1] - route.x[seg]);
    this.st.y[this.slot] = route.y[seg] + u * (route.y[seg + 1] - route.y[seg]);
    this.st.heading[this.slot] = route.segHeadingDeg[seg];
    this.st.odometerKm[this.slot] += (f.v + this.speedMps) * 0.5 * ctx.dtS * 0.001;
    this.st.speedMps[this.slot] = f.v;
    const speedKmh = f.v * KMH;
    const limitKmh = m.limitMps * KMH;
    this.behaviour.step(this, t, m, speedKmh, limitKmh, f.a);
    this.road.step(this, t, seg, speedKmh, limitKmh, route.segKind[seg], ctx.graph.names[route.segName[seg]]);
    if (f.v > 0.5) {
      this.hosDrivenS += ctx.dtS;
      if (!this.hosSent && this.hosDrivenS >= HOS_BREAK_DUE_S && this.identity.driver_id) {
        this.hosSent = true;
        this.emit('driver:hos:break_due', { driver_id: this.identity.driver_id, driving_h: r2(this.hosDrivenS / 3600) });
      }
    }
    if (speedKmh > this.trip.maxKmh) this.trip.maxKmh = speedKmh;
    this.engineStep(t, f.v, f.a, limitKmh);
    if (m.arrived) this.arrive(t);
  }

  /** Emissions, energy, idling and telemetry for one step with the engine on. */
  private engineStep(t: number, v: number, a: number, limitKmh = 0): void {
    const ctx = this.ctx;
    const e = this.model.step(v, a, 0, ctx.dtS);
    addEmissions(this.trip.emissions, e);
    if (this.isEv) this.st.socWh[this.slot] = Math.max(0, Math.min(EV_BATTERY_WH, this.st.socWh[this.slot] - e.energy_wh));
    else this.st.fuelKg[this.slot] = Math.max(0, this.st.fuelKg[this.slot] - e.fuel_g / 1000);
    // Diesel exhaust fluid: about 3 % of the fuel burnt, 1.09 kg/L.
    if (this.isDiesel) this.st.defPct[this.slot] = Math.max(0, this.st.defPct[this.slot] - (e.fuel_g * 0.03 * 100) / (1.09 * 1000 * this.defTankL()));
    this.diagnostics.onStep(this, ctx.dtS, v, a, e.fuel_g);
    this.idleStep(t, v);
    this.levels();
    if (this.st.steps[this.slot] % ctx.everySteps !== 0) return;
    const noise = ctx.gpsNoiseM;
    const nx = noise > 0 ? clip(this.rng.normal(), 2.5) * noise : 0;
    const ny = noise > 0 ? clip(this.rng.normal(), 2.5) * noise : 0;
    const f = this.st.mode[this.slot] === DRIVING ? this.follow : undefined;
    // Raw values into the outbox's reading: the writer rounds while it prints them.
    const r = this.out.reading;
    r.created_at = this.stamp();
    r.vehicle_id = this.identity.vehicle_id;
    r.seq = ++this.st.seq[this.slot];
    r.vehicle_class = this.vehicleClass;
    r.trip_id = this.tripId;
    r.lat = latOf(this.st.y[this.slot] + ny);
    r.lon = lonOf(this.st.x[this.slot] + nx);
    r.heading_deg = this.st.heading[this.slot];
    r.speed_kmh = v * KMH;
    r.accel_mps2 = a;
    r.odometer_km = this.odometerKm;
    r.road = f ? ctx.graph.names[f.route.segName[f.seg]] : null;
    r.speed_limit_kmh = f ? limitKmh : NaN;
    r.co2_g = e.co2_g;
    r.nox_g = e.nox_g;
    r.pm25_g = e.pm25_g;
    r.co_g = e.co_g;
    r.hc_g = e.hc_g;
    r.ev = this.isEv;
    r.fuel_g = e.fuel_g;
    r.fuel_level_pct = this.fuelPct();
    r.energy_wh = e.energy_wh;
    r.soc_pct = this.socPct();
    this.out.telemetry(this.rng);
  }

  private idleStep(t: number, v: number): void {
    if (v >= 0.1) {
      if (this.idleReported) this.emit('engine:idle:ended', { ...this.here(), idle_s: r1(t - this.stillSince) });
      this.stillSince = -1;
      this.idleReported = false;
      this.idleAlerted = false;
      return;
    }
    if (this.stillSince < 0) this.stillSince = t;
    this.trip.idleS += this.ctx.dtS;
    const still = t - this.stillSince;
    if (!this.idleReported && still >= IDLE_EVENT_S) {
      this.idleReported = true;
      this.emit('engine:idle:started', { ...this.here(), stationary_s: r1(still) });
    }
    if (this.isDiesel && !this.idleAlerted && still >= DIESEL_IDLE_LIMIT_S) {
      this.idleAlerted = true;
      this.emit('alert:idle_limit_exceeded', { ...this.here(), idle_s: r1(still), limit_s: DIESEL_IDLE_LIMIT_S, rule: 'CCR 13 §2485' });
    }
  }

  private levels(): void {
    if (this.isEv) {
      if (!this.socLowSent && this.socPct() < 20) {
        this.socLowSent = true;
        this.emit('battery:soc:low', { ...this.here(), soc_pct: r1(this.socPct()), range_km: r1(this.st.socWh[this.slot] / 170) });
      }
      return;
    }
    if (!this.fuelLowSent && this.fuelPct() < 12) {
      this.fuelLowSent = true;
      this.emit('fuel:level:low', { ...this.here(), fuel_level_pct: r1(this.fuelPct()) });
    }
    if (this.isDiesel && !this.defLowSent && this.st.defPct[this.slot] < 10) {
      this.defLowSent = true;
      this.emit('def:level:low', { ...this.here(), def_level_pct: r1(this.st.defPct[this.slot]) });
    }
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
    if (route.points < 2) throw new Error(`${this.identity.vehicle_id}: empty route from ${this.at.name} to ${leg.to.name}`); // plans never pick the place they are at
    this.follow = startFollowing(route);
    this.st.mode[this.slot] = DRIVING;
    this.tripNo++;
    this.tripId = `${this.identity.vehicle_id}-T${this.tripNo}`;
    this.trip = { startS: t, startKm: this.odometerKm, emissions: zeroEmissions(), idleS: 0, maxKmh: 0 };
    this.behaviour.resetTrip();
    this.emit('trip:started', {
      ...this.here(),
      trip_id: this.tripId,
      purpose: leg.purpose,
      origin: this.at.name,
      destination: leg.to.name,
      planned_distance_km: r3(route.lengthM / 1000),
      planned_duration_s: Math.round(route.freeFlowS),
    });
  }

  private arrive(t: number): void {
    const leg = this.leg as Leg;
    this.behaviour.endSpeeding(this, t);
    this.road.endTrip(this, t);
    const tr = this.trip;
    const te = tr.emissions;
    const km = this.odometerKm - tr.startKm;
    const energy = this.isEv ? { energy_wh: r2(te.energy_wh), wh_per_km: km > 0 ? r2(te.energy_wh / km) : null, soc_pct: r1(this.socPct()) } : { fuel_g: r3(te.fuel_g), fuel_level_pct: r1(this.fuelPct()) };
    this.emit('trip:ended', {
      ...this.here(),
      trip_id: this.tripId,
      purpose: leg.purpose,
      origin: this.at.name,
      destination: leg.to.name,
      distance_km: r3(km),
      duration_s: r1(t - tr.startS),
      avg_speed_kmh: t > tr.startS ? r2((km / (t - tr.startS)) * 3600) : 0,
      max_speed_kmh: r1(tr.maxKmh),
      idle_s: r1(tr.idleS),
      harsh_braking_count: this.behaviour.harshBrakes,
      harsh_acceleration_count: this.behaviour.harshAccels,
      speeding_s: r1(this.behaviour.speedingS),
      co2_g: r3(te.co2_g),
      co2_g_per_km: km > 0 ? r1(te.co2_g / km) : null,
      nox_g: r5(te.nox_g),
      pm25_g: r6(te.pm25_g),
      co_g: r5(te.co_g),
      hc_g: r5(te.hc_g),
      ...energy,
    });
    this.at = leg.to;
    this.follow = undefined;
    this.st.speedMps[this.slot] = 0;
    this.placeAt(this.at);
    this.activities = this.plan.arrived(this, leg, t);
    if (this.diagnostics.needsService(this) && this.rng.chance(0.1)) this.activities.push(maintenanceVisit(this));
    if (!this.isEv && this.fuelPct() < 15) this.activities.unshift(refuel(this));
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
    if (this.isEv && this.socPct() < 60) this.plugIn(t);
  }

  private ignitionOn(t: number): void {
    if (this.engineOn) return;
    this.engineOn = true;
    this.engineOnSince = t;
    this.model.reset();
    this.emit('door:unlocked');
    this.emit('door:opened:driver');
    this.emit('door:closed:driver');
    this.emit('ignition:on', { ...this.here(), odometer_km: r3(this.odometerKm) });
    this.emit(this.isEv ? 'powertrain:ready' : 'engine:started', { soc_pct: this.isEv ? r1(this.socPct()) : undefined, fuel_level_pct: this.isEv ? undefined : r1(this.fuelPct()) });
    if (this.plan.fleetDriver) this.emit('driver:login', { driver_id: this.identity.driver_id });
    if (this.profile.buckles) this.emit('driver:seatbelt:fastened');
    this.diagnostics.onIgnitionOn(this, t - this.parkedSince);
  }

  private ignitionOff(t: number): void {
    if (!this.engineOn) return;
    if (this.idleReported) this.emit('engine:idle:ended', { ...this.here(), idle_s: r1(t - this.stillSince) });
    this.stillSince = -1;
    this.idleReported = false;
    this.idleAlerted = false;
    this.engineOn = false;
    this.parkedSince = t;
    this.diagnostics.onIgnitionOff(this, t - this.engineOnSince);
    this.emit(this.isEv ? 'powertrain:off' : 'engine:stopped', { run_s: r1(t - this.engineOnSince) });
    this.emit('ignition:off', { ...this.here(), odometer_km: r3(this.odometerKm) });
    if (this.profile.buckles) this.emit('driver:seatbelt:unfastened');
    if (this.plan.fleetDriver) this.emit('driver:logout', { driver_id: this.identity.driver_id });
    this.emit('door:opened:driver');
    this.emit('door:closed:driver');
    this.emit('door:locked');
  }

  // ---- EV charging --------------------------------------------------------------------------------
  private plugIn(t: number): void {
    const home = this.at === this.plan.start;
    const powerW = home ? 7200 : this.socPct() < 25 ? 50_000 : 11_000;
    const targetWh = EV_BATTERY_WH * (powerW >= 50_000 ? 0.8 : 0.9);
    const untilS = t + ((targetWh - this.st.socWh[this.slot]) / (powerW * 0.92)) * 3600;
    this.plugged = true;
    this.emit('charge:plug:connected', { ...this.here(), location: this.at.name });
    this.charge = { startS: t, untilS, powerW, startWh: this.st.socWh[this.slot], nextProgress: t + 900, type: powerW >= 50_000 ? 'dc_fast' : 'level2' };
    this.st.chargeAt[this.slot] = Math.min(untilS, this.charge.nextProgress);
    this.emit('charge:session:started', { soc_pct: r1(this.socPct()), charger_type: this.charge.type, power_kw: powerW / 1000, location: this.at.name });
    this.diagnostics.onChargeStart(this);
  }

  private chargeStep(t: number): void {
    const c = this.charge;
    if (!c) return;
    const now = Math.min(t, c.untilS);
    this.st.socWh[this.slot] = Math.min(EV_BATTERY_WH, c.startWh + ((now - c.startS) * c.powerW * 0.92) / 3600);
    if (t >= c.untilS) this.endCharge(t, 'target_reached');
    else if (t >= c.nextProgress) {
      c.nextProgress += 900;
      this.st.chargeAt[this.slot] = Math.min(c.untilS, c.nextProgress);
      this.emit('charge:session:progress', { soc_pct: r1(this.socPct()), energy_added_wh: r1(this.st.socWh[this.slot] - c.startWh), power_kw: c.powerW / 1000 });
    }
  }

  private endCharge(_t: number, reason: string): void {
    const c = this.charge;
    if (!c) return;
    this.charge = undefined;
    this.st.chargeAt[this.slot] = Infinity;
    this.socLowSent = this.socPct() < 20;
    this.emit('charge:session:completed', { soc_pct: r1(this.socPct()), energy_added_wh: r1(this.st.socWh[this.slot] - c.startWh), charger_type: c.type, reason });
  }

  private unplug(t: number): void {
    if (this.charge) {
      this.chargeStep(t);
      this.endCharge(t, 'driver_departed');
    }
    this.plugged = false;
    this.emit('charge:plug:disconnected', { soc_pct: r1(this.socPct()) });
  }

  /** Fills the tank; returns the litres added. */
  refill(): number {
    const liters = (this.tankKg - this.st.fuelKg[this.slot]) / (this.isDiesel ? DIESEL_KG_PER_L : GASOLINE_KG_PER_L);
    this.st.fuelKg[this.slot] = this.tankKg;
    this.fuelLowSent = false;
    return liters;
  }
  private defTankL(): number {
    return this.vehicleClass === 'bus' ? 40 : 87;
  }
  refillDef(): number {
    const liters = ((100 - this.st.defPct[this.slot]) / 100) * this.defTankL();
    this.st.defPct[this.slot] = 100;
    this.defLowSent = false;
    return liters;
  }
  defLevelPct(): number {
    return this.st.defPct[this.slot];
  }

  private placeAt(a: Anchor): void {
    this.st.x[this.slot] = this.ctx.graph.x[a.node];
    this.st.y[this.slot] = this.ctx.graph.y[a.node];
  }
}

/** Scratch limits for stepMotion, refilled every step (no allocation per vehicle-step). */
const limits: MotionLimits = { dtS: 1, simTimeS: 0, speedFactor: 1, capMps: 0, maxAccelMps2: 0, maxDecelMps2: 0 };

function clip(x: number, limit: number): number {
  return x > limit ? limit : x < -limit ? -limit : x;
}

function refuel(v: Vehicle): Activity {
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
      const liters = v.refill();
      v.emit('fuel:refuel:completed', { ...v.here(), liters: r2(liters), fuel_level_pct: 100, fuel_type: v.isDiesel ? 'diesel' : 'gasoline' });
      v.diagnostics.inflate(v);
    },
  };
}

function maintenanceVisit(v: Vehicle): Activity {
  return {
    kind: 'maintenance',
    engineOn: false,
    durationS: 2700,
    begin: () => v.emit('maintenance:visit:started', { ...v.here(), odometer_km: r3(v.odometerKm) }),
    end: () => v.emit('maintenance:visit:completed', { ...v.here(), odometer_km: r3(v.odometerKm), services: v.diagnostics.serviced(v) }),
  };
}
