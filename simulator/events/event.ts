// The stream's event types and the sink interface. TelemetryEvent is defined with the wire schema.
import type { FleetEvent } from './fleet-event.js';

export type { FleetEvent } from './fleet-event.js';
export type { TelemetryEvent } from '../telemetry/wire.js';

/** Where events go; the simulator knows nothing about transports. A returned Promise means "wait". */
export interface EventSink {
  write(event: FleetEvent, json: string): void | Promise<void>;
  /**
   * Optional: telemetry readings (most of the stream) arrive here as their JSON line only, without an
   * event object, which saves building one per reading. Sinks without it get every event via `write`.
   */
  writeTelemetry?(json: string, vehicleId: string, seq: number): void | Promise<void>;
  /**
   * Optional, preferred over `writeTelemetry`: a reading as the bytes buf[start, end) (UTF-8 JSON,
   * and buf[end] is a newline, so [start, end + 1) is its NDJSON line). They are valid until the call
   * returns (or its Promise settles): the runner then writes the next readings over them, so one small
   * buffer serves the whole run. A sink that sets `keepsTelemetryBytes` may keep
   * `buf.subarray(start, end)` instead: the runner then never overwrites bytes it handed out.
   */
  writeTelemetryBytes?(buf: Buffer, start: number, end: number, vehicleId: string, seq: number): void | Promise<void>;
  /**
   * Optional: the events the simulator writes as bytes (all but a few rare types, which still come to
   * `write`) as buf[start, end) with a newline at buf[end], under the same rules as
   * `writeTelemetryBytes` (lifetime, `keepsTelemetryBytes`), with the event's name. No event object
   * and no string is made for them.
   */
  writeEventBytes?(buf: Buffer, start: number, end: number, name: string, vehicleId: string, seq: number): void | Promise<void>;
  readonly keepsTelemetryBytes?: boolean;
}
