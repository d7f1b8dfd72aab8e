// One telemetry reading as its JSON line, written into a ByteWriter in the wire order of `wire.ts`,
// each number rounded at its published precision while it is printed. The bytes are those of
// JSON.stringify of the rounded event (tested).
import { type ByteWriter, ConstBytes, KeyedNumbers, keepWords, putConst, putDigits, putFixed, putKeyedNumbers, putUint32, putUuid, putWords, StampWriter } from './byte-writer.js';
import { VEHICLE_ID_DIGITS, VEHICLE_ID_PREFIX } from '../fleet/identity.js';
import { TRIP_ID_INFIX } from '../fleet/trip-ledger.js';
import { CO2_G, CO_G, CREATED_AT, ENERGY_WH, FUEL_G, HC_G, NOX_G, PM25_G, READING_DECIMALS as D, READING_NUMBERS, type Reading, SPEED_KMH, SPEED_LIMIT_KMH } from './wire.js';

const ascii = ConstBytes.ascii;
const HEAD = ascii('{"event_uuid":"');
const K_CREATED = ascii('","event_name":"vehicle:telemetry","created_at":');
const K_VEHICLE = ascii(',"vehicle_id":"');
const K_VEHICLE_PREFIX = ascii(`,"vehicle_id":"${VEHICLE_ID_PREFIX}`);
const K_SEQ = ascii('","seq":');
const K_CLASS = ascii(',"vehicle_class":"');
const K_TRIP = ascii('","trip_id":');
const TRIP_PREFIX = ascii(`"${VEHICLE_ID_PREFIX}`);
const TRIP_INFIX = ascii(TRIP_ID_INFIX);
/** `,"key":` and the number of wire.ts's slot for each of `names`, in order. */
const keyed = (...names: (keyof typeof D)[]) => new KeyedNumbers(names.map((name) => ({ key: ascii(`,"${name}":`), slot: READING_NUMBERS.indexOf(name), decimals: D[name] })));
const POSITION = keyed('lat', 'lon', 'heading_deg', 'speed_kmh', 'accel_mps2', 'odometer_km');
/** `,"road":…,"speed_limit_kmh":` for a road (cached per road) or none. */
const NO_ROAD = ascii(',"road":null,"speed_limit_kmh":');
/** The emissions block (cached when idle) and the level after it, for fuel and for EVs. */
const EMISSIONS_FUEL = keyed('co2_g', 'nox_g', 'pm25_g', 'co_g', 'hc_g', 'fuel_g');
const EMISSIONS_EV = keyed('co2_g', 'nox_g', 'pm25_g', 'co_g', 'hc_g', 'energy_wh');
const LEVEL_FUEL = keyed('fuel_level_pct');
const LEVEL_EV = keyed('soc_pct');
const NULL = ascii('null');
const QUOTE = 0x22;
const CLOSE = 0x7d;
/** The longest reading without its class, road and given ids: 20 numbers of ≤ 25 characters, the keys, ids printed from numbers. */
const FIXED_BYTES = 1024;
/** The emissions block `,"co2_g":…` up to the fuel (or energy) figure, in 8-byte words: six numbers of ≤ 25 characters and their keys. */
const BLOCK_WORDS = 32;
const NAMED_ROADS_MAX = 10_000;

/**
 * A class's last idle emissions block and its bytes: an idling vehicle's emissions are its class's
 * idle rates, the same every step (about half of all readings), so they are printed once, then copied.
 */
class EmissionsBlock {
  readonly vals = new Float64Array(6).fill(NaN);
  readonly words = new Float64Array(BLOCK_WORDS);
  length = 0;
}

/**
 * Writes readings; remembers each road name's JSON bytes by its index (a few thousand names, escaped
 * once) and each class's `,"vehicle_class":"…","trip_id":` (a handful).
 */
export class ReadingWriter {
  private readonly roads: (ConstBytes | undefined)[] = [];
  /** Roads given by name only (readings rebuilt from their JSON). */
  private readonly named = new Map<string, ConstBytes>();
  private readonly classes: string[] = [];
  private readonly classBytes: ConstBytes[] = [];
  /** By class index × 2 (+1 for an EV's energy block). */
  private readonly blocks: EmissionsBlock[] = [];

  /** created_at's whole seconds, shared by the readings of a step. */
  private readonly stamps = new StampWriter();

  constructor(readonly out: ByteWriter) {}

  /**
   * Writes `r` and returns where its line starts; it ends at `out.pos`. The header, ids and road in
   * line; each group of keyed numbers (position, emissions, level) one call that loops over it.
   */
  write(r: Reading): number {
    const road = r.roadId >= 0 ? (this.roads[r.roadId] ?? this.cacheRoad(r.roadId, r.road as string)) : r.road === null ? NO_ROAD : this.namedRoad(r.road);
    const w = this.out;
    const n = r.n;
    // Our own ids print from numbers (within FIXED_BYTES): their strings are not even read.
    w.reserve(FIXED_BYTES + road.length + r.vehicle_class.length + (r.index >= 0 ? 0 : r.vehicle_id.length + (r.trip_id?.length ?? 0)));
    // Written at a local position, stored back once at the end.
    const view = w.view;
    const start = w.pos;
    let p = putConst(view, start, HEAD);
    p = putUuid(view, p, r.uuid, 0);
    p = this.stamps.put(view, putConst(view, p, K_CREATED), n, CREATED_AT);
    let block: EmissionsBlock | undefined;
    // vehicle_id, trip_id and vehicle_class are our own [A-Za-z0-9_-] ids (vehicleIdOf): no escaping.
    if (r.index >= 0) {
      // The simulator's own: ids printed from the index and the trip's number, the class's text cached.
      p = putConst(view, p, K_VEHICLE_PREFIX);
      p = putDigits(view, p, r.index, VEHICLE_ID_DIGITS);
      p = putConst(view, p, K_SEQ);
      p = putUint32(view, p, r.seq);
      const k = this.classIndex(r.vehicle_class);
      p = putConst(view, p, this.classBytes[k]);
      block = this.blocks[2 * k + (r.ev ? 1 : 0)];
      if (r.trip === 0) p = putConst(view, p, NULL);
      else {
        p = putConst(view, p, TRIP_PREFIX);
        p = putDigits(view, p, r.index, VEHICLE_ID_DIGITS);
        p = putConst(view, p, TRIP_INFIX);
        p = putUint32(view, p, r.trip);
        view.setUint8(p++, QUOTE);
      }
    } else {
      w.pos = putConst(view, p, K_VEHICLE);
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
      p = w.pos;
    }
    p = putKeyedNumbers(view, p, POSITION, n);
    p = putFixed(view, putConst(view, p, road), n, SPEED_LIMIT_KMH, D.speed_limit_kmh); // NaN prints null
    const power = r.ev ? ENERGY_WH : FUEL_G;
    const v = block?.vals;
    if (block !== undefined && v !== undefined && n[CO2_G] === v[0] && n[NOX_G] === v[1] && n[PM25_G] === v[2] && n[CO_G] === v[3] && n[HC_G] === v[4] && n[power] === v[5]) {
      p = putWords(view, p, block.words, block.length);
    } else {
      const from = p;
      p = putKeyedNumbers(view, p, r.ev ? EMISSIONS_EV : EMISSIONS_FUEL, n);
      if (block !== undefined && v !== undefined && n[SPEED_KMH] === 0) {
        v[0] = n[CO2_G];
        v[1] = n[NOX_G];
        v[2] = n[PM25_G];
        v[3] = n[CO_G];
        v[4] = n[HC_G];
        v[5] = n[power];
        block.length = keepWords(w.buf, from, p, block.words);
      }
    }
    p = putKeyedNumbers(view, p, r.ev ? LEVEL_EV : LEVEL_FUEL, n);
    view.setUint8(p, CLOSE);
    w.pos = p + 1;
    return start;
  }

  private namedRoad(name: string): ConstBytes {
    let b = this.named.get(name);
    if (b === undefined) {
      b = roadBytes(name);
      if (this.named.size < NAMED_ROADS_MAX) this.named.set(name, b);
    }
    return b;
  }

  private cacheRoad(id: number, name: string): ConstBytes {
    const b = roadBytes(name);
    while (this.roads.length <= id) this.roads.push(undefined); // packed, never a sparse dictionary
    this.roads[id] = b;
    return b;
  }

  private classIndex(vehicleClass: string): number {
    const classes = this.classes;
    for (let k = 0; k < classes.length; k++) if (classes[k] === vehicleClass) return k;
    classes.push(vehicleClass);
    this.classBytes.push(ConstBytes.ascii(`,"vehicle_class":"${vehicleClass}","trip_id":`));
    this.blocks.push(new EmissionsBlock(), new EmissionsBlock());
    return classes.length - 1;
  }
}

function roadBytes(name: string): ConstBytes {
  return new ConstBytes(Buffer.from(`,"road":${JSON.stringify(name)},"speed_limit_kmh":`));
}
