// One telemetry reading as its JSON line, written into a ByteWriter in the wire order of `wire.ts`,
// each number rounded at its published precision while it is printed. The bytes are those of
// JSON.stringify of the rounded event (tested).
import type { ByteWriter } from './byte-writer.js';
import { READING_DECIMALS as D, type Reading } from './wire.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HEAD = ascii('{"event_uuid":"');
const K_CREATED = ascii('","event_name":"vehicle:telemetry","created_at":');
const K_VEHICLE = ascii(',"vehicle_id":"');
const K_SEQ = ascii('","seq":');
const K_CLASS = ascii(',"vehicle_class":"');
const K_TRIP = ascii('","trip_id":');
const K_LAT = ascii(',"lat":');
const K_LON = ascii(',"lon":');
const K_HEADING = ascii(',"heading_deg":');
const K_SPEED = ascii(',"speed_kmh":');
const K_ACCEL = ascii(',"accel_mps2":');
const K_ODOMETER = ascii(',"odometer_km":');
const K_ROAD = ascii(',"road":');
const K_LIMIT = ascii(',"speed_limit_kmh":');
const K_CO2 = ascii(',"co2_g":');
const K_NOX = ascii(',"nox_g":');
const K_PM25 = ascii(',"pm25_g":');
const K_CO = ascii(',"co_g":');
const K_HC = ascii(',"hc_g":');
const K_FUEL = ascii(',"fuel_g":');
const K_FUEL_LEVEL = ascii(',"fuel_level_pct":');
const K_ENERGY = ascii(',"energy_wh":');
const K_SOC = ascii(',"soc_pct":');
const NULL = ascii('null');
const QUOTE = 0x22;
const CLOSE = 0x7d;
/** The longest reading without its ids and road: 20 numbers of ≤ 25 characters and the keys. */
const FIXED_BYTES = 1024;
const ROAD_CACHE_MAX = 10_000;

/** Writes readings; remembers each road name's JSON bytes (a few hundred names, escaped once). */
export class ReadingWriter {
  private readonly roads = new Map<string, Uint8Array>();

  constructor(readonly out: ByteWriter) {}

  /** Writes `r` and returns where its line starts; it ends at `out.pos`. */
  write(r: Reading, a: number, b: number, c: number, d: number): number {
    const road = r.road === null ? NULL : this.roadBytes(r.road);
    const w = this.out;
    w.reserve(FIXED_BYTES + road.length + r.vehicle_id.length + r.vehicle_class.length + (r.trip_id?.length ?? 0));
    const start = w.pos;
    w.bytes(HEAD);
    w.uuid(a, b, c, d);
    w.field(K_CREATED, r.created_at, D.created_at);
    // vehicle_id, trip_id and vehicle_class are our own [A-Za-z0-9_-] ids (vehicleIdOf): no escaping.
    w.bytes(K_VEHICLE);
    w.ascii(r.vehicle_id);
    w.bytes(K_SEQ);
    w.uint(r.seq);
    w.bytes(K_CLASS);
    w.ascii(r.vehicle_class);
    w.bytes(K_TRIP);
    if (r.trip_id === null) w.bytes(NULL);
    else {
      w.byte(QUOTE);
      w.ascii(r.trip_id);
      w.byte(QUOTE);
    }
    w.field(K_LAT, r.lat, D.lat);
    w.field(K_LON, r.lon, D.lon);
    w.field(K_HEADING, r.heading_deg, D.heading_deg);
    w.field(K_SPEED, r.speed_kmh, D.speed_kmh);
    w.field(K_ACCEL, r.accel_mps2, D.accel_mps2);
    w.field(K_ODOMETER, r.odometer_km, D.odometer_km);
    w.bytes(K_ROAD);
    w.bytes(road);
    w.field(K_LIMIT, r.speed_limit_kmh, D.speed_limit_kmh); // NaN prints null
    w.field(K_CO2, r.co2_g, D.co2_g);
    w.field(K_NOX, r.nox_g, D.nox_g);
    w.field(K_PM25, r.pm25_g, D.pm25_g);
    w.field(K_CO, r.co_g, D.co_g);
    w.field(K_HC, r.hc_g, D.hc_g);
    if (r.ev) {
      w.field(K_ENERGY, r.energy_wh, D.energy_wh);
      w.field(K_SOC, r.soc_pct, D.soc_pct);
    } else {
      w.field(K_FUEL, r.fuel_g, D.fuel_g);
      w.field(K_FUEL_LEVEL, r.fuel_level_pct, D.fuel_level_pct);
    }
    w.byte(CLOSE);
    return start;
  }

  private roadBytes(name: string): Uint8Array {
    let b = this.roads.get(name);
    if (b === undefined) {
      b = Buffer.from(JSON.stringify(name));
      if (this.roads.size < ROAD_CACHE_MAX) this.roads.set(name, b);
    }
    return b;
  }
}
