// Local equirectangular projection around San Diego: at city scale (< 60 km) its distance error is
// well under 1 %, and it turns every geometric question into cheap planar arithmetic in metres.
const LAT0 = 32.8;
const LON0 = -117.1;
const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON = 111_320 * Math.cos((LAT0 * Math.PI) / 180);

export function xOf(lon: number): number {
  return (lon - LON0) * M_PER_DEG_LON;
}

export function yOf(lat: number): number {
  return (lat - LAT0) * M_PER_DEG_LAT;
}

export function lonOf(x: number): number {
  return LON0 + x / M_PER_DEG_LON;
}

export function latOf(y: number): number {
  return LAT0 + y / M_PER_DEG_LAT;
}

/** Distance in metres between two lon/lat points. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return Math.hypot((lon2 - lon1) * M_PER_DEG_LON, (lat2 - lat1) * M_PER_DEG_LAT);
}

/** Compass heading in degrees [0, 360) of the planar vector (dx east, dy north). */
export function headingOf(dx: number, dy: number): number {
  const deg = (Math.atan2(dx, dy) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/** Distance in metres from point p to segment a–b, all in projected metres. */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
