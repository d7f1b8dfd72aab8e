// The San Diego map the dashboard and the report draw, from the geometry the simulator ships
// (city boundary, Caltrans freeways, OSM arterials, neighbourhood centres): simplified and rounded
// once per process so it inlines in a page at a small size, with no tiles or fonts from anywhere.
import { readFileSync } from 'node:fs';
import { TRACK_SCALE } from './track-store.js';

export interface CityMap {
  /** [minLon, minLat, maxLon, maxLat] of the city boundary, in degrees. */
  bbox: [number, number, number, number];
  /** Polylines as flat [lon, lat, lon, lat, …] integers in 1e-5 degrees (the tracks' scale). */
  boundary: number[][];
  freeways: number[][];
  arterials: number[][];
  neighbourhoods: Neighbourhood[];
}

export interface Neighbourhood {
  name: string;
  lat: number;
  lon: number;
}

type Coord = [number, number];
const geoUrl = (file: string): URL => new URL(`../simulator/data/geo/${file}`, import.meta.url);

function lines(file: string): Coord[][] {
  const fc = JSON.parse(readFileSync(geoUrl(file), 'utf8')) as { features: Array<{ geometry: { type: string; coordinates: unknown } }> };
  const out: Coord[][] = [];
  for (const { geometry } of fc.features) {
    if (geometry.type === 'LineString') out.push(geometry.coordinates as Coord[]);
    else if (geometry.type === 'Polygon') out.push(...(geometry.coordinates as Coord[][]));
    else if (geometry.type === 'MultiLineString') out.push(...(geometry.coordinates as Coord[][]));
    else if (geometry.type === 'MultiPolygon') for (const poly of geometry.coordinates as Coord[][][]) out.push(...poly);
  }
  return out;
}

/** Douglas–Peucker with a tolerance in degrees (iterative, so long rings do not overflow the stack). */
function simplify(points: Coord[], tolerance: number): Coord[] {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1;
    let worstD = tolerance;
    for (let i = a + 1; i < b; i++) {
      // A closed ring starts and ends on one point: measure from it instead of from a line.
      const d = len === 0 ? Math.hypot(points[i][0] - ax, points[i][1] - ay) : Math.abs(dy * points[i][0] - dx * points[i][1] + bx * ay - by * ax) / len;
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

function encode(polylines: Coord[][], tolerance: number): number[][] {
  return polylines
    .map((pl) => simplify(pl, tolerance).flatMap(([lon, lat]) => [Math.round(lon * TRACK_SCALE), Math.round(lat * TRACK_SCALE)]))
    .filter((pl) => pl.length >= 4);
}

export function loadNeighbourhoods(): Neighbourhood[] {
  const [, ...rows] = readFileSync(geoUrl('neighbourhoods.csv'), 'utf8').trim().split('\n');
  return rows.map((row) => {
    const [name, lat, lon] = row.split(',');
    return { name, lat: Number(lat), lon: Number(lon) };
  });
}

let cached: CityMap | undefined;

export function cityMap(): CityMap {
  if (cached) return cached;
  const boundary = lines('sd_city_boundary.geojson');
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of boundary) {
    for (const [lon, lat] of ring) {
      minLon = Math.min(minLon, lon);
      maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
  }
  cached = {
    bbox: [minLon, minLat, maxLon, maxLat],
    boundary: encode(boundary, 0.0008),
    freeways: encode(lines('sd_freeways_caltrans.geojson'), 0.0003),
    arterials: encode(lines('sd_arterials_osm_central.geojson'), 0.00005),
    neighbourhoods: loadNeighbourhoods(),
  };
  return cached;
}
