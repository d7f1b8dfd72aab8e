// The neighbourhood geofences every vehicle watches (names in the catalog, centres from the graph).
import { GEOFENCE_NAMES } from './catalog.js';
import { slug } from './slug.js';

export interface Geofence {
  name: string;
  slug: string;
  lon: number;
  lat: number;
  radiusM: number;
}

export function geofencesOf(neighbourhoods: readonly { name: string; lon: number; lat: number; kind: string }[]): Geofence[] {
  return GEOFENCE_NAMES.map((name) => {
    const n = neighbourhoods.find((x) => x.name === name);
    if (!n) throw new Error(`geofence ${name} missing from the road graph`);
    return { name, slug: slug(name), lon: n.lon, lat: n.lat, radiusM: n.kind === 'port' ? 700 : 1800 };
  });
}
