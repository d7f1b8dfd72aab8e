/** One record of the stream (DESIGN "Events"): the common header, then fields of the event type. */
export interface FleetEvent {
  event_uuid: string;
  event_name: string;
  /** Unix seconds with a millisecond fraction. */
  created_at: number;
  vehicle_id: string;
  /** Per-vehicle counter from 1, gapless. */
  seq: number;
  [field: string]: unknown;
}

/** `vehicle:telemetry`: one reading per step while the vehicle is on; emissions are for the interval. */
export interface TelemetryEvent extends FleetEvent {
  vehicle_class: string;
  trip_id: string | null;
  lat: number;
  lon: number;
  heading_deg: number;
  speed_kmh: number;
  accel_mps2: number;
  odometer_km: number;
  road: string | null;
  speed_limit_kmh: number | null;
  co2_g: number;
  nox_g: number;
  pm25_g: number;
  co_g: number;
  hc_g: number;
  /** Combustion vehicles. */
  fuel_g?: number;
  fuel_level_pct?: number;
  /** EVs: net battery energy for the interval (negative while regenerating). */
  energy_wh?: number;
  soc_pct?: number;
}

/** Where events go; the simulator knows nothing about transports. A returned Promise means "wait". */
export interface EventSink {
  write(event: FleetEvent, json: string): void | Promise<void>;
  /**
   * Optional: telemetry readings (most of the stream) arrive here as their JSON line only, without an
   * event object, which saves building one per reading. Sinks without it get every event via `write`.
   */
  writeTelemetry?(json: string, vehicleId: string, seq: number): void | Promise<void>;
}
