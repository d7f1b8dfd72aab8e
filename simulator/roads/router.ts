// Fastest path (A* on free-flow travel time; admissible because no edge is faster than maxSpeedMps).
import { UserError } from '../../common/user-error.js';
import type { RoadGraph } from './graph.js';
import { MinHeap } from './heap.js';

export interface Router {
  /** Edge ids from `from` to `to` (empty when from === to). Cached: fleets reuse a few hundred OD pairs. */
  fastestPath(from: number, to: number): Int32Array;
}

export function createRouter(graph: RoadGraph): Router {
  const cache = new Map<number, Int32Array>();
  const best = new Float64Array(graph.nodeCount);
  const via = new Int32Array(graph.nodeCount);
  const closed = new Uint8Array(graph.nodeCount);
  const { x, y, outStart, outEdges, edgeTo, edgeLengthM, edgeSpeedMps, maxSpeedMps } = graph;

  function search(from: number, to: number): Int32Array {
    best.fill(Infinity);
    closed.fill(0);
    via.fill(-1);
    const heap = new MinHeap();
    const h = (n: number) => Math.hypot(x[n] - x[to], y[n] - y[to]) / maxSpeedMps;
    best[from] = 0;
    heap.push(from, h(from));
    while (heap.size > 0) {
      const n = heap.pop();
      if (closed[n]) continue;
      closed[n] = 1;
      if (n === to) break;
      for (let k = outStart[n]; k < outStart[n + 1]; k++) {
        const e = outEdges[k];
        const m = edgeTo[e];
        const t = best[n] + edgeLengthM[e] / edgeSpeedMps[e];
        if (t < best[m]) {
          best[m] = t;
          via[m] = e;
          heap.push(m, t + h(m));
        }
      }
    }
    if (from !== to && via[to] < 0) throw new UserError('route', `${from}->${to}`, 'no road connects these nodes');
    const path: number[] = [];
    for (let n = to; n !== from; n = graph.edgeFrom[via[n]]) path.push(via[n]);
    return Int32Array.from(path.reverse());
  }

  return {
    fastestPath(from, to) {
      const key = from * graph.nodeCount + to;
      let path = cache.get(key);
      if (!path) {
        path = search(from, to);
        cache.set(key, path);
      }
      return path;
    },
  };
}
