// What detectors, diagnostics and trip plans see of a vehicle: read-only facts, plus `emit` (their
// one effect) and `refillDef` (a terminal's DEF pump). They never see the state machine itself.
import type { VehicleClass } from '../emissions/index.js';
import type { Geofence } from '../events/geofences.js';
import type { EventLine } from '../telemetry/event-line.js';
import type { SimContext } from './context.js';
import type { VehicleIdentity } from './identity.js';

export interface VehicleView {
  readonly index: number;
  readonly vehicleId: string;
  readonly identity: VehicleIdentity;
  readonly vehicleClass: VehicleClass;
  readonly isEv: boolean;
  readonly isDiesel: boolean;
  /** The driver fastens the seatbelt. */
  readonly buckles: boolean;
  readonly fences: readonly Geofence[];
  readonly ctx: SimContext;
  readonly simTimeS: number;
  readonly odometerKm: number;
  readonly speedMps: number;
  /** Acceleration of the last step, m/s² (0 when not driving). */
  readonly accelMps2: number;
  /** Position as sent (6 decimals). */
  here(): { lat: number; lon: number };
  /** True position (no GPS noise) in the graph's metric plane (roads/geo.ts). */
  readonly x: number;
  readonly y: number;
  roadName(): string | null;
  /** Metres left on the current route (0 when not driving). */
  remainingM(): number;
  socPct(): number;
  fuelPct(): number;
  defLevelPct(): number;
  /** Raises an event of this vehicle now (next seq, a UUID from its stream). */
  emit(name: string, fields?: Record<string, unknown>): void;
  /**
   * The same as bytes, for frequent events: add the fields in wire order, then `end()` (the same
   * seq, UUID, stamp and text as `emit` with those fields).
   */
  line(name: string): EventLine;
  /** `line` with the position (`lat`, `lon` as `here()`) as its first fields. */
  lineAt(name: string): EventLine;
  /** Tops up the diesel exhaust fluid; returns the litres added. */
  refillDef(): number;
}
