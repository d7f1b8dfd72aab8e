// The neighbourhood geofences every vehicle watches (names in the catalog, centres from the graph).
import { GEOFENCE_NAMES } from './catalog.js';
import { xOf, yOf } from '../roads/geo.js';
import { slug } from './slug.js';

export interface Geofence {
  name: string;
  slug: string;
  /** `geofence:entered:<slug>` and `geofence:exited:<slug>`. */
  enteredName: string;
  exitedName: string;
  lon: number;
  lat: number;
  radiusM: number;
  /** Centre in the graph's metric plane, and the radius squared: the per-step test is planar arithmetic. */
  x: number;
  y: number;
  radius2: number;
}

export function geofencesOf(neighbourhoods: readonly { name: string; lon: number; lat: number; kind: string }[]): Geofence[] {
  return GEOFENCE_NAMES.map((name) => {
    const n = neighbourhoods.find((x) => x.name === name);
    if (!n) throw new Error(`geofence ${name} missing from the road graph`);
    const radiusM = n.kind === 'port' ? 700 : 1800;
    const s = slug(name);
    return { name, slug: s, enteredName: `geofence:entered:${s}`, exitedName: `geofence:exited:${s}`, lon: n.lon, lat: n.lat, radiusM, x: xOf(n.lon), y: yOf(n.lat), radius2: radiusM * radiusM };
  });
}
