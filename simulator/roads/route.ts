// A route's geometry prepared for driving: cumulative distance, per-segment limits, curve radii at
// vertices and signal positions, so the motion model only does array lookups per tick.
import { headingOf } from './geo.js';
import type { RoadGraph } from './graph.js';
import type { Router } from './router.js';

const MIN_TURN_RAD = 0.2; // ≈ 11°: gentler bends do not slow anyone down
const TURN_WINDOW_M = 20;
const SAME_JUNCTION_M = 40;

export interface Route {
  readonly from: number;
  readonly to: number;
  /** Number of points (vertices); segments are points − 1. */
  readonly points: number;
  readonly node: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Distance from the start to each point, metres. */
  readonly s: Float64Array;
  readonly lengthM: number;
  readonly segEdge: Int32Array;
  readonly segSpeedMps: Float64Array;
  readonly segKind: Uint8Array;
  readonly segName: Int32Array;
  readonly segHeadingDeg: Float64Array;
  /** Radius of the bend at each point (Infinity where the road is straight enough). */
  readonly turnRadiusM: Float64Array;
  /** Indices of interior points that have a traffic signal, ascending. */
  readonly signalPoints: Int32Array;
  readonly freeFlowS: number;
}

export interface RouteBook {
  route(from: number, to: number): Route;
}

export function createRouteBook(graph: RoadGraph, router: Router): RouteBook {
  const cache = new Map<number, Route>();
  return {
    route(from, to) {
      const key = from * graph.nodeCount + to;
      let r = cache.get(key);
      if (!r) {
        r = buildRoute(graph, from, to, router.fastestPath(from, to));
        cache.set(key, r);
      }
      return r;
    },
  };
}

export function buildRoute(graph: RoadGraph, from: number, to: number, edges: Int32Array): Route {
  const segs = edges.length;
  const points = segs + 1;
  const node = new Int32Array(points);
  node[0] = from;
  for (let i = 0; i < segs; i++) node[i + 1] = graph.edgeTo[edges[i]];
  const x = new Float64Array(points);
  const y = new Float64Array(points);
  const s = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    x[i] = graph.x[node[i]];
    y[i] = graph.y[node[i]];
    if (i > 0) s[i] = s[i - 1] + Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
  }
  const segSpeedMps = new Float64Array(segs);
  const segKind = new Uint8Array(segs);
  const segName = new Int32Array(segs);
  const segHeadingDeg = new Float64Array(segs);
  let freeFlowS = 0;
  for (let i = 0; i < segs; i++) {
    const e = edges[i];
    segSpeedMps[i] = graph.edgeSpeedMps[e];
    segKind[i] = graph.edgeKind[e];
    segName[i] = graph.edgeName[e];
    segHeadingDeg[i] = headingOf(x[i + 1] - x[i], y[i + 1] - y[i]);
    freeFlowS += (s[i + 1] - s[i]) / segSpeedMps[i];
  }
  // Bend radius from the heading change over ±TURN_WINDOW_M of path (OSM draws curves as many short
  // segments, so a per-vertex angle would see every curve as a sharp corner).
  const turnRadiusM = new Float64Array(points).fill(Infinity);
  const signals: number[] = [];
  let back = 0;
  let ahead = 0;
  for (let i = 1; i < points - 1; i++) {
    while (back < i - 1 && s[i] - s[back + 1] >= TURN_WINDOW_M) back++;
    if (ahead < i + 1) ahead = i + 1;
    while (ahead < points - 1 && s[ahead] - s[i] < TURN_WINDOW_M) ahead++;
    const h1 = headingOf(x[i] - x[back], y[i] - y[back]);
    const h2 = headingOf(x[ahead] - x[i], y[ahead] - y[i]);
    let turn = Math.abs(h2 - h1);
    if (turn > 180) turn = 360 - turn;
    const rad = (turn * Math.PI) / 180;
    if (rad >= MIN_TURN_RAD) turnRadiusM[i] = Math.max(5, (s[ahead] - s[back]) / rad);
    // OSM draws one junction as several nodes: one signal per junction (the first within 40 m).
    if (graph.isSignal[node[i]] && (signals.length === 0 || s[i] - s[signals[signals.length - 1]] > SAME_JUNCTION_M)) signals.push(i);
  }
  return {
    from,
    to,
    points,
    node,
    x,
    y,
    s,
    lengthM: s[points - 1],
    segEdge: edges,
    segSpeedMps,
    segKind,
    segName,
    segHeadingDeg,
    turnRadiusM,
    signalPoints: Int32Array.from(signals),
    freeFlowS,
  };
}
