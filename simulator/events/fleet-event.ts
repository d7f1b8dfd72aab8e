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
