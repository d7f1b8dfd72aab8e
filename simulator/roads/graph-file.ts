/** The committed road graph (simulator/data/geo/graph.json), as written by build-graph.ts. */
export const EDGE_KIND = { freeway: 0, highway: 1, arterial: 2, connector: 3, ramp: 4 } as const;
export type EdgeKind = (typeof EDGE_KIND)[keyof typeof EDGE_KIND];

export interface GraphFile {
  version: 1;
  provenance: string;
  names: string[];
  lon: number[];
  lat: number[];
  /** Flat: from, to, kind, speed limit mph, name index — five numbers per directed edge. */
  edges: number[];
  /** Node ids with traffic signals. */
  signals: number[];
  anchors: { name: string; neighbourhood: string; kind: string; node: number }[];
  neighbourhoods: { name: string; lat: number; lon: number; kind: string; inCity: boolean }[];
}
