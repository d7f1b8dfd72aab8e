// One JSON object per event. Telemetry goes through the reading writer (the simulator's own path, so
// a telemetry object encodes to the very bytes the simulator emits); other events are rare: JSON.stringify.
import type { FleetEvent } from './events/event.js';
import { ByteWriter } from './telemetry/byte-writer.js';
import { ReadingWriter } from './telemetry/reading-writer.js';
import { readingOf, type TelemetryEvent } from './telemetry/wire.js';

const UUID_WORDS = /^([0-9a-f]{8})-([0-9a-f]{4})-4([0-9a-f]{3})-([0-9a-f]{4})-([0-9a-f]{4})([0-9a-f]{8})$/;

export function encodeEvent(ev: FleetEvent): string {
  if (ev.event_name !== 'vehicle:telemetry') return JSON.stringify(ev);
  // The writer draws the UUID from four words; a UUID that is not one of ours is written as given.
  const m = UUID_WORDS.exec(ev.event_uuid);
  if (!m) return JSON.stringify(ev);
  const words = [m[1], `${m[2]}0${m[3]}`, `${m[4]}${m[5]}`, m[6]].map((h) => Number.parseInt(h, 16));
  const out = new ByteWriter(2048);
  const start = new ReadingWriter(out).write(readingOf(ev as TelemetryEvent, words));
  return out.buf.toString('utf8', start, out.pos);
}
