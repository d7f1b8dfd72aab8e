// Vehicle tracks for the map, bounded: at most `maxPoints` positions in all. A vehicle over its share
// keeps every other point (and always its latest), so long runs draw the same shape with fewer points.
import type { Position } from './series-line.js';

export interface Track {
  id: string;
  cls: string;
  /** Flat [lat, lon, lat, lon, …] in 1e-5 degrees (about 1 m), integers to keep the report small. */
  pts: number[];
}

const SCALE = 1e5;

export class TrackStore {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly maxPoints = 60_000) {}

  private share(): number {
    return Math.max(8, Math.floor(this.maxPoints / Math.max(1, this.tracks.size)));
  }

  add([id, cls, lat, lon]: Position): void {
    let track = this.tracks.get(id);
    if (!track) {
      track = { id, cls, pts: [] };
      this.tracks.set(id, track);
    }
    track.pts.push(Math.round(lat * SCALE), Math.round(lon * SCALE));
    if (track.pts.length / 2 > this.share()) thin(track);
  }

  all(): Track[] {
    const share = this.share();
    for (const t of this.tracks.values()) while (t.pts.length / 2 > share) thin(t);
    return [...this.tracks.values()];
  }
}

/** Keeps every other point, the first and the last. */
function thin(track: Track): void {
  const n = track.pts.length / 2;
  const kept: number[] = [];
  for (let i = 0; i < n; i += 2) kept.push(track.pts[2 * i], track.pts[2 * i + 1]);
  if ((n - 1) % 2 !== 0) kept.push(track.pts[2 * n - 2], track.pts[2 * n - 1]);
  track.pts = kept;
}

export const TRACK_SCALE = SCALE;
