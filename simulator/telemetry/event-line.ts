// Events written as JSON bytes straight into the outbox's writer, the way readings are, with their
// objects built field by field alongside: no object spread and no JSON.stringify per event. Used for
// the frequent ones (start-up and shut-down, trips, heartbeats, limit changes, signal stops…). The
// text is what JSON.stringify prints for the object (tested): the header in the order of
// events/fleet-event.ts, then the fields in the order they are added.
import { type ByteWriter, ConstBytes } from './byte-writer.js';
import type { FleetEvent } from '../events/fleet-event.js';
import { VEHICLE_ID_DIGITS, VEHICLE_ID_PREFIX } from '../fleet/identity.js';

const ascii = ConstBytes.ascii;
const HEAD = ascii('{"event_uuid":"');
const K_NAME = ascii('","event_name":"');
const K_CREATED = ascii('","created_at":');
const K_VEHICLE_PREFIX = ascii(`,"vehicle_id":"${VEHICLE_ID_PREFIX}`);
const K_SEQ = ascii('","seq":');
const NULL = ascii('null');
const TRUE = ascii('true');
const FALSE = ascii('false');
const QUOTE = 0x22;
const CLOSE = 0x7d;
const NEWLINE = 0x0a;
/** Room kept ahead for the header and the numbers of one event (a text keeps it after itself). */
const LINE_BYTES = 1024;
const UUID_AT = HEAD.length;
const UUID_LENGTH = 36;
const SCALE = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
const TEXTS_MAX = 10_000;

/** A field: its name (the object's key) and its `,"name":` bytes. Names are our own ASCII: no escaping. */
export interface EventKey {
  readonly name: string;
  readonly bytes: ConstBytes;
}
export function eventKey(name: string): EventKey {
  return { name, bytes: ascii(`,"${name}":`) };
}

/** Fields many events share. */
export const KEYS = {
  lat: eventKey('lat'),
  lon: eventKey('lon'),
  road: eventKey('road'),
  odometer_km: eventKey('odometer_km'),
  soc_pct: eventKey('soc_pct'),
  fuel_level_pct: eventKey('fuel_level_pct'),
  speed_kmh: eventKey('speed_kmh'),
} as const;

/** ASCII names (event names) and JSON strings (roads, places), cached: a few thousand texts. */
const NAMES = new Map<string, ConstBytes>();
const TEXTS = new Map<string, ConstBytes>();
function nameBytes(name: string): ConstBytes {
  let b = NAMES.get(name);
  if (b === undefined) {
    b = ascii(name);
    NAMES.set(name, b);
  }
  return b;
}
function textBytes(text: string): ConstBytes {
  let b = TEXTS.get(text);
  if (b === undefined) {
    b = new ConstBytes(Buffer.from(JSON.stringify(text)));
    if (TEXTS.size < TEXTS_MAX) TEXTS.set(text, b);
  }
  return b;
}

/**
 * One event at a time: `begin` (by the vehicle), the fields in wire order, then `end`, which hands the
 * object and its text to `emitted`.
 */
export class EventLine {
  private start = 0;
  private name = '';
  private seq = 0;
  private ev: FleetEvent = { event_uuid: '', event_name: '', created_at: 0, vehicle_id: '', seq: 0 };

  /**
   * @param emitted takes each event's object and text
   * @param lined if given, takes each event as its bytes instead (out.buf[start, end), a newline
   *   after), and no object or text is made
   */
  constructor(
    private readonly out: ByteWriter,
    private readonly emitted: (ev: FleetEvent, json: string) => void,
    private readonly lined?: (start: number, end: number, name: string, seq: number) => void,
  ) {}

  /** `{"event_uuid":…,"seq":n` with the UUID of four random words (in uuidFrom's order). */
  begin(name: string, a: number, b: number, c: number, d: number, createdAt: number, index: number, vehicleId: string, seq: number): this {
    const w = this.out;
    const nb = nameBytes(name);
    w.reserve(LINE_BYTES + nb.length);
    this.start = w.pos;
    w.bytes(HEAD);
    w.uuid(a, b, c, d);
    w.bytes(K_NAME);
    w.bytes(nb);
    w.bytes(K_CREATED);
    w.fixed(createdAt, 3);
    w.bytes(K_VEHICLE_PREFIX);
    w.digits(index, VEHICLE_ID_DIGITS);
    w.bytes(K_SEQ);
    w.digits(seq, 1);
    this.name = name;
    this.seq = seq;
    if (this.lined === undefined) this.ev = { event_uuid: '', event_name: name, created_at: createdAt, vehicle_id: vehicleId, seq };
    return this;
  }

  /** x rounded to `decimals` places (r1…r6 of events/round.ts), as JSON.stringify prints it. */
  number(key: EventKey, x: number, decimals: number): this {
    const scale = SCALE[decimals];
    const rounded = Math.round(x * scale) / scale;
    if (this.lined === undefined) this.ev[key.name] = rounded;
    this.out.bytes(key.bytes);
    this.out.fixed(rounded, decimals);
    return this;
  }

  /** A count or other integer as it is. */
  integer(key: EventKey, n: number): this {
    return this.number(key, n, 0);
  }

  /** Text, escaped as JSON (cached: roads, places, purposes), or null. */
  text(key: EventKey, s: string | null): this {
    if (this.lined === undefined) this.ev[key.name] = s;
    const b = s === null ? NULL : textBytes(s);
    this.start = this.out.reserveFrom(this.start, b.length + key.bytes.length + LINE_BYTES);
    this.out.bytes(key.bytes);
    this.out.bytes(b);
    return this;
  }

  /** Our own ids ([A-Za-z0-9_-]): written as they are, not cached. */
  id(key: EventKey, s: string): this {
    if (this.lined === undefined) this.ev[key.name] = s;
    const w = this.out;
    this.start = w.reserveFrom(this.start, s.length + key.bytes.length + LINE_BYTES);
    w.bytes(key.bytes);
    w.byte(QUOTE);
    w.ascii(s);
    w.byte(QUOTE);
    return this;
  }

  flag(key: EventKey, on: boolean): this {
    if (this.lined === undefined) this.ev[key.name] = on;
    this.out.bytes(key.bytes);
    this.out.bytes(on ? TRUE : FALSE);
    return this;
  }

  /** Closes the object and hands it on: its bytes, or the object with its text. */
  end(): void {
    const w = this.out;
    w.byte(CLOSE);
    const end = w.pos;
    w.byte(NEWLINE); // as after a reading: [start, end + 1) is the NDJSON line
    if (this.lined !== undefined) {
      this.lined(this.start, end, this.name, this.seq);
      return;
    }
    const json = w.buf.toString('utf8', this.start, end);
    this.ev.event_uuid = json.slice(UUID_AT, UUID_AT + UUID_LENGTH);
    this.emitted(this.ev, json);
  }
}
