// One vehicle's trips: the trip id, and the distance, time, idling, top speed and emissions of the
// trip under way, summed step by step for the `trip:ended` summary.
import { addEmissions, type IntervalEmissions, zeroEmissions } from '../emissions/index.js';
import { r1, r2, r3, r5, r6 } from '../events/round.js';

/** Counts a trip summary reports from the driver-behaviour watch. */
export interface TripBehaviour {
  readonly harshBrakes: number;
  readonly harshAccels: number;
  readonly speedingS: number;
}

/** Energy a trip summary reports (EV: battery; otherwise fuel). */
export interface TripEnergy {
  readonly isEv: boolean;
  socPct(): number;
  fuelPct(): number;
}

export class TripLedger {
  private count = 0;
  /** The trip under way (or the last one, between trips); null before the first. */
  id: string | null = null;
  private startS = 0;
  private startKm = 0;
  private idleS = 0;
  private maxKmh = 0;
  private readonly emissions: IntervalEmissions = zeroEmissions();

  constructor(private readonly vehicleId: string) {}

  start(t: number, odometerKm: number): string {
    this.count++;
    this.id = `${this.vehicleId}-T${this.count}`;
    this.startS = t;
    this.startKm = odometerKm;
    this.idleS = 0;
    this.maxKmh = 0;
    Object.assign(this.emissions, zeroEmissions());
    return this.id;
  }

  /** One engine-on step (also at stops on the way: they count toward the trip that follows). */
  add(e: Readonly<IntervalEmissions>): void {
    addEmissions(this.emissions, e);
  }
  idle(dtS: number): void {
    this.idleS += dtS;
  }
  speed(kmh: number): void {
    if (kmh > this.maxKmh) this.maxKmh = kmh;
  }

  /** The `trip:ended` fields after the header and position, in wire order. */
  summary(t: number, odometerKm: number, behaviour: TripBehaviour, energy: TripEnergy): Record<string, unknown> {
    const te = this.emissions;
    const km = odometerKm - this.startKm;
    const fields: Record<string, unknown> = {
      distance_km: r3(km),
      duration_s: r1(t - this.startS),
      avg_speed_kmh: t > this.startS ? r2((km / (t - this.startS)) * 3600) : 0,
      max_speed_kmh: r1(this.maxKmh),
      idle_s: r1(this.idleS),
      harsh_braking_count: behaviour.harshBrakes,
      harsh_acceleration_count: behaviour.harshAccels,
      speeding_s: r1(behaviour.speedingS),
      co2_g: r3(te.co2_g),
      co2_g_per_km: km > 0 ? r1(te.co2_g / km) : null,
      nox_g: r5(te.nox_g),
      pm25_g: r6(te.pm25_g),
      co_g: r5(te.co_g),
      hc_g: r5(te.hc_g),
    };
    if (energy.isEv) {
      fields.energy_wh = r2(te.energy_wh);
      fields.wh_per_km = km > 0 ? r2(te.energy_wh / km) : null;
      fields.soc_pct = r1(energy.socPct());
    } else {
      fields.fuel_g = r3(te.fuel_g);
      fields.fuel_level_pct = r1(energy.fuelPct());
    }
    return fields;
  }
}
