// Point-in-polygon for the City of San Diego boundary (polygons with holes), even-odd rule.
interface Ring {
  coords: number[][];
  minLon: number;
  maxLon: number;
  minLat: number;
  maxLat: number;
}

export interface Boundary {
  contains(lon: number, lat: number): boolean;
}

interface PolygonFeatureCollection {
  features: { geometry: { type: string; coordinates: number[][][] } }[];
}

export function createBoundary(geojson: PolygonFeatureCollection): Boundary {
  const polygons: Ring[][] = geojson.features
    .filter((f) => f.geometry.type === 'Polygon')
    .map((f) => f.geometry.coordinates.map(ringOf));
  return {
    contains(lon, lat) {
      for (const [outer, ...holes] of polygons) {
        if (insideRing(outer, lon, lat) && !holes.some((h) => insideRing(h, lon, lat))) return true;
      }
      return false;
    },
  };
}

function ringOf(coords: number[][]): Ring {
  const lons = coords.map((c) => c[0]);
  const lats = coords.map((c) => c[1]);
  return { coords, minLon: Math.min(...lons), maxLon: Math.max(...lons), minLat: Math.min(...lats), maxLat: Math.max(...lats) };
}

function insideRing(ring: Ring, lon: number, lat: number): boolean {
  if (lon < ring.minLon || lon > ring.maxLon || lat < ring.minLat || lat > ring.maxLat) return false;
  const c = ring.coords;
  let inside = false;
  for (let i = 0, j = c.length - 1; i < c.length; j = i++) {
    const [xi, yi] = c[i];
    const [xj, yj] = c[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
