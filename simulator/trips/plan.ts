// What a vehicle's plan answers at each turn of its state machine, and the stops it makes.
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Anchor } from '../roads/graph.js';

export interface Leg {
  to: Anchor;
  purpose: string;
}

export interface Activity {
  kind: string;
  engineOn: boolean;
  durationS: number;
  begin?(v: VehicleView): void;
  end?(v: VehicleView): void;
}

export type Next = { kind: 'park'; departInS: number } | { kind: 'drive'; leg: Leg };

/** How a vehicle's day begins: parked until a departure, or with stops to make where it is. */
export type Start = { kind: 'park'; departInS: number } | { kind: 'stops'; activities: Activity[] };

export interface Plan {
  readonly start: Anchor;
  /** Fleet vehicles log their driver in and out. */
  readonly fleetDriver: boolean;
  initial(v: VehicleView, t: number): Start;
  /** Leaving a parking place. */
  nextLeg(v: VehicleView, at: Anchor, t: number): Leg;
  /** Stops to make on arrival. */
  arrived(v: VehicleView, leg: Leg, t: number): Activity[];
  /** After the stops: park or drive on. */
  afterStops(v: VehicleView, t: number): Next;
}

/** Seconds from local hour h until local hour `target` (next occurrence). */
export const hoursUntil = (h: number, target: number): number => ((target - h + 24) % 24) * 3600;
export const inWorkHours = (h: number): boolean => h >= 6 && h < 19;
