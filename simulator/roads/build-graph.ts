// Regenerates simulator/data/geo/graph.json from the copied source geometry in simulator/data/geo:
//   npx tsx simulator/roads/build-graph.ts
// Everything is clipped to the City of San Diego boundary and reduced to its largest strongly
// connected component, so every route starts, runs and ends inside the city.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBoundary } from './boundary.js';
import { distanceM, xOf, yOf } from './geo.js';
import { EDGE_KIND, type GraphFile } from './graph-file.js';

const dir = join(new URL('.', import.meta.url).pathname, '..', 'data', 'geo');
const readJson = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const readCsv = (f: string) => {
  const [head, ...rows] = readFileSync(join(dir, f), 'utf8').trim().split('\n');
  const keys = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i], v])) as Record<string, string>);
};

const FREEWAY_MPH = 65; // California freeway maximum
const HIGHWAY_MPH = 55;
const RAMP_MPH = 35;
const ARTERIAL_DEFAULT_MPH: Record<string, number> = { primary: 35, secondary: 30 };
const RAMP_REACH_M = 200; // joins carriageway pieces and route ends to the road they meet
const OVERPASS_LINK_M = 50; // arterial vertex this close to a freeway vertex is treated as an interchange
const CONNECTOR_REACH_M = 6000;

const boundary = createBoundary(readJson('sd_city_boundary.geojson'));
interface LineFeature {
  properties: { name: string; road_class: string; speed_limit_mph: number | null; oneway: boolean; direction?: string };
  geometry: { coordinates: number[][] };
}
const freeways: LineFeature[] = readJson('sd_freeways_caltrans.geojson').features;
const arterials: LineFeature[] = readJson('sd_arterials_osm_central.geojson').features;

// ---- nodes and edges -------------------------------------------------------------------------
const nodeLon: number[] = [];
const nodeLat: number[] = [];
const nodeByKey = new Map<string, number>();
const names: string[] = [];
const nameIndex = new Map<string, number>();
const edges: [number, number, number, number, number][] = [];
const edgeKeys = new Set<string>();

function node(lon: number, lat: number): number {
  const key = `${lon.toFixed(6)},${lat.toFixed(6)}`;
  let id = nodeByKey.get(key);
  if (id === undefined) {
    id = nodeLon.length;
    nodeLon.push(Number(lon.toFixed(6)));
    nodeLat.push(Number(lat.toFixed(6)));
    nodeByKey.set(key, id);
  }
  return id;
}
function nameId(name: string): number {
  let id = nameIndex.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    nameIndex.set(name, id);
  }
  return id;
}
function edge(from: number, to: number, kind: number, mph: number, name: string): void {
  const key = `${from}>${to}`;
  if (from === to || edgeKeys.has(key)) return;
  edgeKeys.add(key);
  edges.push([from, to, kind, mph, nameId(name)]);
}
const inside = (id: number) => boundary.contains(nodeLon[id], nodeLat[id]);

// ---- freeways: insert a shared node wherever two different routes cross ------------------------
interface Seg {
  f: number;
  i: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
}
const CELL = 500;
const grid = new Map<string, Seg[]>();
freeways.forEach((feat, f) => {
  const c = feat.geometry.coordinates;
  for (let i = 0; i + 1 < c.length; i++) {
    const s: Seg = { f, i, ax: xOf(c[i][0]), ay: yOf(c[i][1]), bx: xOf(c[i + 1][0]), by: yOf(c[i + 1][1]) };
    for (let gx = Math.floor(Math.min(s.ax, s.bx) / CELL); gx <= Math.floor(Math.max(s.ax, s.bx) / CELL); gx++) {
      for (let gy = Math.floor(Math.min(s.ay, s.by) / CELL); gy <= Math.floor(Math.max(s.ay, s.by) / CELL); gy++) {
        const k = `${gx},${gy}`;
        const list = grid.get(k) ?? [];
        list.push(s);
        grid.set(k, list);
      }
    }
  }
});
const routeOf = (f: number) => freeways[f].properties.name;
const inserts: Map<number, { i: number; t: number; lon: number; lat: number }[]> = new Map();
const seen = new Set<string>();
for (const segs of grid.values()) {
  for (let a = 0; a < segs.length; a++) {
    for (let b = a + 1; b < segs.length; b++) {
      const s = segs[a];
      const u = segs[b];
      if (routeOf(s.f) === routeOf(u.f)) continue;
      const pair = `${s.f}:${s.i}|${u.f}:${u.i}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      const hit = intersect(s, u);
      if (!hit) continue;
      const cs = freeways[s.f].geometry.coordinates;
      const lon = cs[s.i][0] + hit.t * (cs[s.i + 1][0] - cs[s.i][0]);
      const lat = cs[s.i][1] + hit.t * (cs[s.i + 1][1] - cs[s.i][1]);
      for (const [seg, t] of [[s, hit.t], [u, hit.u]] as const) {
        const list = inserts.get(seg.f) ?? [];
        list.push({ i: seg.i, t, lon, lat });
        inserts.set(seg.f, list);
      }
    }
  }
}
function intersect(s: Seg, u: Seg): { t: number; u: number } | undefined {
  const rx = s.bx - s.ax;
  const ry = s.by - s.ay;
  const qx = u.bx - u.ax;
  const qy = u.by - u.ay;
  const den = rx * qy - ry * qx;
  if (Math.abs(den) < 1e-9) return undefined;
  const t = ((u.ax - s.ax) * qy - (u.ay - s.ay) * qx) / den;
  const v = ((u.ax - s.ax) * ry - (u.ay - s.ay) * rx) / den;
  return t >= 0 && t <= 1 && v >= 0 && v <= 1 ? { t, u: v } : undefined;
}

// Each freeway feature becomes runs of consecutive in-city nodes.
interface Run {
  f: number;
  nodes: number[];
}
const runs: Run[] = [];
let crossings = 0;
freeways.forEach((feat, f) => {
  const c = feat.geometry.coordinates;
  const extra = (inserts.get(f) ?? []).sort((p, q) => p.i - q.i || p.t - q.t);
  crossings += extra.length;
  const seq: number[] = [];
  let k = 0;
  for (let i = 0; i < c.length; i++) {
    seq.push(node(c[i][0], c[i][1]));
    for (; k < extra.length && extra[k].i === i; k++) seq.push(node(extra[k].lon, extra[k].lat));
  }
  const kind = feat.properties.road_class === 'freeway' ? EDGE_KIND.freeway : EDGE_KIND.highway;
  const mph = kind === EDGE_KIND.freeway ? FREEWAY_MPH : HIGHWAY_MPH;
  let run: number[] = [];
  const flush = () => {
    if (run.length > 1) runs.push({ f, nodes: run });
    run = [];
  };
  for (const id of seq) {
    if (!inside(id)) {
      flush();
      continue;
    }
    if (run.length > 0) edge(run[run.length - 1], id, kind, mph, feat.properties.name);
    run.push(id);
  }
  flush();
});
const freewayNodes = new Map<number, number>(); // node -> feature
for (const r of runs) for (const id of r.nodes) if (!freewayNodes.has(id)) freewayNodes.set(id, r.f);

function nearestFreewayNode(id: number, accept: (f: number) => boolean, reach: number): number | undefined {
  let best: number | undefined;
  let bestD = reach;
  for (const [other, f] of freewayNodes) {
    if (other === id || !accept(f)) continue;
    const d = distanceM(nodeLon[id], nodeLat[id], nodeLon[other], nodeLat[other]);
    if (d < bestD) {
      bestD = d;
      best = other;
    }
  }
  return best;
}

// Ramps: a run's end joins the nearest node of another road it meets, and its start is joined from one.
const sameRouteOtherWay = (f: number, g: number) => routeOf(f) === routeOf(g) && freeways[f].properties.direction !== freeways[g].properties.direction;
for (const r of runs) {
  const first = r.nodes[0];
  const last = r.nodes[r.nodes.length - 1];
  const accept = (g: number) => g !== r.f && !sameRouteOtherWay(r.f, g);
  const to = nearestFreewayNode(last, accept, RAMP_REACH_M);
  if (to !== undefined) edge(last, to, EDGE_KIND.ramp, RAMP_MPH, `${routeOf(r.f)} ramp`);
  const from = nearestFreewayNode(first, accept, RAMP_REACH_M);
  if (from !== undefined) edge(from, first, EDGE_KIND.ramp, RAMP_MPH, `${routeOf(r.f)} ramp`);
}

// ---- central arterials from OpenStreetMap -----------------------------------------------------
// Only 668 of 1,713 OSM segments carry a posted limit: an untagged segment takes the most common
// posted limit of the same street, so limits do not flap between tagged and untagged pieces.
const postedByName = new Map<string, Map<number, number>>();
for (const { properties: p } of arterials) {
  if (p.speed_limit_mph === null || !p.name) continue;
  const counts = postedByName.get(p.name) ?? new Map<number, number>();
  counts.set(p.speed_limit_mph, (counts.get(p.speed_limit_mph) ?? 0) + 1);
  postedByName.set(p.name, counts);
}
const streetLimit = (name: string | undefined): number | undefined => {
  const counts = name ? postedByName.get(name) : undefined;
  return counts ? [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0] : undefined;
};
const arterialNodes = new Set<number>();
for (const feat of arterials) {
  const p = feat.properties;
  const mph = p.speed_limit_mph ?? streetLimit(p.name) ?? ARTERIAL_DEFAULT_MPH[p.road_class] ?? 30;
  const ids = feat.geometry.coordinates.map(([lon, lat]) => node(lon, lat));
  for (let i = 0; i + 1 < ids.length; i++) {
    if (!inside(ids[i]) || !inside(ids[i + 1])) continue;
    arterialNodes.add(ids[i]).add(ids[i + 1]);
    edge(ids[i], ids[i + 1], EDGE_KIND.arterial, mph, p.name ?? 'unnamed arterial');
    if (!p.oneway) edge(ids[i + 1], ids[i], EDGE_KIND.arterial, mph, p.name ?? 'unnamed arterial');
  }
}
let overpassLinks = 0;
for (const a of arterialNodes) {
  const fw = nearestFreewayNode(a, () => true, OVERPASS_LINK_M);
  if (fw === undefined) continue;
  edge(a, fw, EDGE_KIND.ramp, RAMP_MPH, `${routeOf(freewayNodes.get(fw) ?? 0)} ramp`);
  edge(fw, a, EDGE_KIND.ramp, RAMP_MPH, `${routeOf(freewayNodes.get(fw) ?? 0)} ramp`);
  overpassLinks++;
}

// ---- anchors: neighbourhood centres, port terminals, interchange places --------------------------
const neighbourhoods = readCsv('neighbourhoods.csv').map((r) => ({
  name: r.name,
  lat: Number(r.lat),
  lon: Number(r.lon),
  kind: r.kind,
  inCity: boundary.contains(Number(r.lon), Number(r.lat)),
}));
const anchors: GraphFile['anchors'] = [];

/** A straight synthesized arterial is only kept if it stays inside the city the whole way. */
function staysInside(a: number, b: number): boolean {
  const d = distanceM(nodeLon[a], nodeLat[a], nodeLon[b], nodeLat[b]);
  const steps = Math.max(1, Math.ceil(d / 100));
  for (let s = 1; s < steps; s++) {
    const t = s / steps;
    if (!boundary.contains(nodeLon[a] + t * (nodeLon[b] - nodeLon[a]), nodeLat[a] + t * (nodeLat[b] - nodeLat[a]))) return false;
  }
  return true;
}
function connector(a: number, b: number, label: string): void {
  const d = distanceM(nodeLon[a], nodeLat[a], nodeLon[b], nodeLat[b]);
  const mph = d < 1000 ? 25 : d < 3000 ? 35 : 45; // synthesized arterials: 25–45 mph by length
  edge(a, b, EDGE_KIND.connector, mph, label);
  edge(b, a, EDGE_KIND.connector, mph, label);
}
function connectToFreeways(id: number, label: string, accept: (f: number) => boolean, maxFeatures: number, reach: number): void {
  const bestPerFeature = new Map<number, { n: number; d: number }>();
  for (const [other, f] of freewayNodes) {
    if (!accept(f)) continue;
    const d = distanceM(nodeLon[id], nodeLat[id], nodeLon[other], nodeLat[other]);
    const cur = bestPerFeature.get(f);
    if (d < reach && (!cur || d < cur.d)) bestPerFeature.set(f, { n: other, d });
  }
  [...bestPerFeature.values()]
    .sort((p, q) => p.d - q.d)
    .filter((c) => staysInside(id, c.n))
    .slice(0, maxFeatures)
    .forEach((c) => connector(id, c.n, label));
}
function nearestArterial(id: number, reach: number): number | undefined {
  let best: number | undefined;
  let bestD = reach;
  for (const a of arterialNodes) {
    const d = distanceM(nodeLon[id], nodeLat[id], nodeLon[a], nodeLat[a]);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

for (const n of neighbourhoods) {
  if (!n.inCity) continue;
  const id = node(n.lon, n.lat);
  const label = `${n.name} connector`;
  connectToFreeways(id, label, () => true, 4, CONNECTOR_REACH_M);
  const art = nearestArterial(id, 3000);
  if (art !== undefined && staysInside(id, art)) connector(id, art, label);
  anchors.push({ name: n.name, neighbourhood: n.name, kind: n.kind, node: id });
}
for (const p of readCsv('freeway_points.csv')) {
  const lon = Number(p.lon);
  const lat = Number(p.lat);
  if (!boundary.contains(lon, lat)) continue;
  const id = node(lon, lat);
  connectToFreeways(id, `${p.place} ramps`, (f) => routeOf(f) === p.route, 2, 800);
  anchors.push({ name: p.place.startsWith("at ") ? `${p.route} ${p.place}` : `${p.place} at ${p.route}`, neighbourhood: nearestNeighbourhood(lon, lat), kind: 'interchange', node: id });
}
// Street anchors: arterial intersections near the central neighbourhoods, spread evenly by id.
for (const n of neighbourhoods.filter((x) => x.inCity)) {
  const near = [...arterialNodes].filter((a) => distanceM(n.lon, n.lat, nodeLon[a], nodeLat[a]) < 2500).sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(near.length / 12));
  for (let i = 0; i < near.length && anchors.length < 400; i += step) {
    anchors.push({ name: `${names[edgeNameAt(near[i])]} (${n.name})`, neighbourhood: n.name, kind: 'street', node: near[i] });
  }
}
function nearestNeighbourhood(lon: number, lat: number): string {
  return neighbourhoods.filter((n) => n.kind !== 'port').sort((a, b) => distanceM(lon, lat, a.lon, a.lat) - distanceM(lon, lat, b.lon, b.lat))[0].name;
}
function edgeNameAt(id: number): number {
  return edges.find((e) => e[0] === id && e[2] === EDGE_KIND.arterial)?.[4] ?? edges.find((e) => e[0] === id)?.[4] ?? 0;
}

// ---- keep the largest strongly connected component ----------------------------------------------
const n = nodeLon.length;
const out: number[][] = Array.from({ length: n }, () => []);
const inn: number[][] = Array.from({ length: n }, () => []);
for (const [a, b] of edges) {
  out[a].push(b);
  inn[b].push(a);
}
const comp = stronglyConnected(n, out, inn);
const sizes = new Map<number, number>();
for (const c of comp) sizes.set(c, (sizes.get(c) ?? 0) + 1);
const biggest = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0][0];
const remap = new Int32Array(n).fill(-1);
const keptLon: number[] = [];
const keptLat: number[] = [];
for (let i = 0; i < n; i++) {
  if (comp[i] !== biggest) continue;
  remap[i] = keptLon.length;
  keptLon.push(nodeLon[i]);
  keptLat.push(nodeLat[i]);
}
const keptEdges = edges.filter(([a, b]) => remap[a] >= 0 && remap[b] >= 0).map(([a, b, k, s, nm]) => [remap[a], remap[b], k, s, nm]);
const degree = new Map<number, Set<number>>();
for (const [a, b, k] of keptEdges) {
  if (k !== EDGE_KIND.arterial) continue;
  for (const [x, y] of [[a, b], [b, a]]) degree.set(x, (degree.get(x) ?? new Set()).add(y));
}
// Signals: every arterial intersection (three or more distinct neighbours).
const signals = [...degree.entries()].filter(([, s]) => s.size >= 3).map(([id]) => id).sort((a, b) => a - b);
const droppedAnchors = anchors.filter((a) => remap[a.node] < 0).map((a) => a.name);

const file: GraphFile = {
  version: 1,
  provenance:
    'Generated by simulator/roads/build-graph.ts from simulator/data/geo (see PROVENANCE.md). Freeways: Caltrans SHN lines, joined where routes cross and by synthesized ramps; 65 mph freeway / 55 mph highway. Arterials: OpenStreetMap (ODbL 1.0, © OpenStreetMap contributors). Connectors from neighbourhood anchors and interchange places to the freeways are SYNTHESIZED straight arterials at 25-45 mph. Clipped to the City of San Diego boundary, largest strongly connected component.',
  names,
  lon: keptLon,
  lat: keptLat,
  edges: keptEdges.flat(),
  signals,
  anchors: anchors.filter((a) => remap[a.node] >= 0).map((a) => ({ ...a, node: remap[a.node] })),
  neighbourhoods,
};
writeFileSync(join(dir, 'graph.json'), JSON.stringify(file));
console.error(
  JSON.stringify({ nodes: keptLon.length, of: n, edges: keptEdges.length, crossings: crossings / 2, overpassLinks, signals: signals.length, anchors: file.anchors.length, droppedAnchors }),
);

function stronglyConnected(count: number, fwd: number[][], rev: number[][]): Int32Array {
  // Kosaraju, iterative (the graph is too deep for recursion).
  const order: number[] = [];
  const visited = new Uint8Array(count);
  for (let s = 0; s < count; s++) {
    if (visited[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    visited[s] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < fwd[v].length) {
        top[1]++;
        const w = fwd[v][i];
        if (!visited[w]) {
          visited[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        order.push(v);
        stack.pop();
      }
    }
  }
  const comp = new Int32Array(count).fill(-1);
  let c = 0;
  for (let k = order.length - 1; k >= 0; k--) {
    const s = order[k];
    if (comp[s] >= 0) continue;
    const stack = [s];
    comp[s] = c;
    while (stack.length > 0) {
      const v = stack.pop() as number;
      for (const w of rev[v]) if (comp[w] < 0) {
        comp[w] = c;
        stack.push(w);
      }
    }
    c++;
  }
  return comp;
}
