// The routable San Diego road graph, loaded once from the committed graph.json into typed arrays.
import { readFileSync } from 'node:fs';
import { distanceM, xOf, yOf } from './geo.js';
import { EDGE_KIND, type GraphFile } from './graph-file.js';

const MPH = 0.44704;

export interface Anchor {
  name: string;
  neighbourhood: string;
  kind: string;
  node: number;
}

export interface RoadGraph {
  readonly nodeCount: number;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** Projected metres (see geo.ts). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Outgoing edges of node n are outEdges[outStart[n] .. outStart[n+1]). */
  readonly outStart: Int32Array;
  readonly outEdges: Int32Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeKind: Uint8Array;
  readonly edgeSpeedMps: Float64Array;
  readonly edgeLengthM: Float64Array;
  readonly edgeName: Int32Array;
  readonly names: readonly string[];
  readonly isSignal: Uint8Array;
  readonly anchors: readonly Anchor[];
  readonly neighbourhoods: GraphFile['neighbourhoods'];
  readonly provenance: string;
  readonly maxSpeedMps: number;
}

export const GRAPH_PATH = new URL('../data/geo/graph.json', import.meta.url);
let cached: RoadGraph | undefined;

/** The bundled graph (parsed once per process). */
export function loadRoadGraph(): RoadGraph {
  cached ??= buildRoadGraph(JSON.parse(readFileSync(GRAPH_PATH, 'utf8')) as GraphFile);
  return cached;
}

export function buildRoadGraph(file: GraphFile): RoadGraph {
  const nodeCount = file.lon.length;
  const lon = Float64Array.from(file.lon);
  const lat = Float64Array.from(file.lat);
  const x = lon.map(xOf);
  const y = lat.map(yOf);
  const m = file.edges.length / 5;
  const edgeFrom = new Int32Array(m);
  const edgeTo = new Int32Array(m);
  const edgeKind = new Uint8Array(m);
  const edgeSpeedMps = new Float64Array(m);
  const edgeLengthM = new Float64Array(m);
  const edgeName = new Int32Array(m);
  const outStart = new Int32Array(nodeCount + 1);
  let maxSpeedMps = 0;
  for (let e = 0; e < m; e++) {
    const k = e * 5;
    edgeFrom[e] = file.edges[k];
    edgeTo[e] = file.edges[k + 1];
    edgeKind[e] = file.edges[k + 2];
    edgeSpeedMps[e] = file.edges[k + 3] * MPH;
    edgeName[e] = file.edges[k + 4];
    edgeLengthM[e] = distanceM(lon[edgeFrom[e]], lat[edgeFrom[e]], lon[edgeTo[e]], lat[edgeTo[e]]);
    outStart[edgeFrom[e] + 1]++;
    maxSpeedMps = Math.max(maxSpeedMps, edgeSpeedMps[e]);
  }
  for (let n = 0; n < nodeCount; n++) outStart[n + 1] += outStart[n];
  const fill = outStart.slice(0, nodeCount);
  const outEdges = new Int32Array(m);
  for (let e = 0; e < m; e++) outEdges[fill[edgeFrom[e]]++] = e;
  const isSignal = new Uint8Array(nodeCount);
  for (const s of file.signals) isSignal[s] = 1;
  return {
    nodeCount,
    lon,
    lat,
    x,
    y,
    outStart,
    outEdges,
    edgeFrom,
    edgeTo,
    edgeKind,
    edgeSpeedMps,
    edgeLengthM,
    edgeName,
    names: file.names,
    isSignal,
    anchors: file.anchors,
    neighbourhoods: file.neighbourhoods,
    provenance: file.provenance,
    maxSpeedMps,
  };
}

export function isFreewayKind(kind: number): boolean {
  return kind === EDGE_KIND.freeway || kind === EDGE_KIND.highway;
}
