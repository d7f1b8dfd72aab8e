// Events of a fixed shape (start-up and shut-down: doors, ignition, engine, driver) written as JSON
// straight into the outbox's byte writer, the way readings are: no object spread and no
// JSON.stringify per event. The text is what JSON.stringify prints for the event object the vehicle
// builds alongside (tested): header in the order of events/fleet-event.ts, then the fields in order.
import { type ByteWriter, ConstBytes } from './byte-writer.js';
import { VEHICLE_ID_DIGITS, VEHICLE_ID_PREFIX } from '../fleet/identity.js';

const ascii = ConstBytes.ascii;
const HEAD = ascii('{"event_uuid":"');
const K_NAME = ascii('","event_name":"');
const K_CREATED = ascii('","created_at":');
const K_VEHICLE_PREFIX = ascii(`,"vehicle_id":"${VEHICLE_ID_PREFIX}`);
const K_SEQ = ascii('","seq":');
const QUOTE = 0x22;
const CLOSE = 0x7d;
/** Header and a few short fields. */
const LINE_BYTES = 512;
/** Where the UUID's text starts in the line. */
export const UUID_AT = HEAD.length;
const UUID_LENGTH = 36;

/** A field's `,"key":` (keys are our own ASCII names: no escaping). */
export function eventKey(name: string): ConstBytes {
  return ascii(`,"${name}":`);
}

/** An event name's text, cached (a few dozen names). */
const NAMES = new Map<string, ConstBytes>();
function nameBytes(name: string): ConstBytes {
  let b = NAMES.get(name);
  if (b === undefined) {
    b = ascii(name);
    NAMES.set(name, b);
  }
  return b;
}

/** Writes one event line at a time into `out`: `begin`, the fields, then `end` for its text. */
export class EventLine {
  private start = 0;

  constructor(private readonly out: ByteWriter) {}

  /** `{"event_uuid":"…","event_name":"…","created_at":…,"vehicle_id":"…","seq":n` with the UUID of four random words (uuidFrom's order). */
  begin(name: string, a: number, b: number, c: number, d: number, createdAt: number, index: number, seq: number): void {
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
  }

  /** `,"key":x` with x rounded to `decimals` (what JSON.stringify prints for the rounded number). */
  number(key: ConstBytes, x: number, decimals: number): void {
    this.out.bytes(key);
    this.out.fixed(x, decimals);
  }

  /** `,"key":"s"` for short ASCII text that needs no escaping (ids; `begin` left room for it). */
  text(key: ConstBytes, s: string): void {
    const w = this.out;
    w.bytes(key);
    w.byte(QUOTE);
    w.ascii(s);
    w.byte(QUOTE);
  }

  /** Closes the object; returns its JSON text (the bytes stay in the writer, unused). */
  end(): string {
    const w = this.out;
    w.byte(CLOSE);
    return w.buf.toString('latin1', this.start, w.pos);
  }
}

/** The UUID inside a line `end` returned (a slice of it, not a copy). */
export function uuidOf(json: string): string {
  return json.slice(UUID_AT, UUID_AT + UUID_LENGTH);
}
