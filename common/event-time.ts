// The one range of event times sdfleet accepts: the scenario clock may only start where the transform
// will later accept `created_at`, so a valid scenario never produces events the lake refuses.

/** Inclusive lower bound of `created_at`, Unix seconds (2000-01-01T00:00:00Z). */
export const EVENT_TIME_MIN_S = Date.UTC(2000, 0, 1) / 1000;
/** Exclusive upper bound of `created_at`, Unix seconds (2100-01-01T00:00:00Z). */
export const EVENT_TIME_MAX_S = Date.UTC(2100, 0, 1) / 1000;
export const EVENT_TIME_RANGE = 'between 2000-01-01 and 2100-01-01 (UTC)';

/** Whether Unix seconds fall inside the accepted event-time range. */
export function isEventTime(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds >= EVENT_TIME_MIN_S && seconds < EVENT_TIME_MAX_S;
}
