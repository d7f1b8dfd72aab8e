// The anchors of the road graph sorted into the roles trips need: homes, workplaces, errands,
// depots, the port and freight destinations, and the bus loops.
import { UserError } from '../../common/user-error.js';
import type { Anchor, RoadGraph } from '../roads/graph.js';
import type { Rng } from '../../common/rng.js';

export interface BusLoop {
  name: string;
  stops: Anchor[];
}

export interface Places {
  homes: Anchor[];
  works: Anchor[];
  errands: Anchor[];
  depots: Anchor[];
  port: Anchor;
  freight: Anchor[];
  busLoops: BusLoop[];
}

const RESIDENTIAL = new Set(['La Jolla', 'Pacific Beach', 'North Park']);
const DEPOTS = ['Kearny Mesa', 'Mission Valley', 'Kearny Villa Rd at SR-163'];
const FREIGHT = ['Mira Mesa Blvd at I-15', 'Rancho Bernardo Rd at I-15', 'Kearny Villa Rd at SR-163', 'Balboa Ave at I-15', 'Mission Center Rd at I-8', 'College Ave at I-8', 'Euclid Ave at SR-94', 'Friars Rd at I-15'];
// Loops modelled on MTS routes in the central area (stops are graph anchors on OSM arterials).
const BUS_LOOPS: { name: string; stops: string[] }[] = [
  { name: 'Downtown–North Park', stops: ['Downtown / Gaslamp', '5th Avenue (Downtown / Gaslamp)', '6th Avenue (Downtown / Gaslamp)', 'Park Boulevard (North Park)', 'North Park', 'University Avenue (North Park)', '30th Street (North Park)', 'El Cajon Boulevard (North Park)', 'Texas Street (North Park)', 'Broadway (Downtown / Gaslamp)'] },
  { name: 'Hillcrest–Mission Valley', stops: ['Washington Street (Mission Valley)', 'University Avenue (Mission Valley)', 'Park Boulevard (Mission Valley)', 'El Cajon Boulevard (Mission Valley)', '6th Avenue (Mission Valley)', '5th Avenue (Mission Valley)', 'Mission Valley'] },
  { name: 'Downtown–Port', stops: ['Market Street (Tenth Avenue Marine Terminal)', '11th Avenue (Tenth Avenue Marine Terminal)', 'G Street (Tenth Avenue Marine Terminal)', 'Broadway (Tenth Avenue Marine Terminal)', 'Kettner Boulevard (Downtown / Gaslamp)', 'India Street (Downtown / Gaslamp)', '4th Avenue (Downtown / Gaslamp)'] },
];

export function placesOf(graph: RoadGraph): Places {
  const byName = (name: string): Anchor => {
    const a = graph.anchors.find((x) => x.name === name);
    if (!a) throw new UserError('anchor', name, 'not in the road graph (regenerate graph.json?)');
    return a;
  };
  const all = graph.anchors.filter((a) => a.kind !== 'port');
  return {
    homes: all.filter((a) => RESIDENTIAL.has(a.neighbourhood) && a.kind !== 'interchange'),
    works: all.filter((a) => !RESIDENTIAL.has(a.neighbourhood) || a.kind === 'interchange'),
    errands: all,
    depots: DEPOTS.map(byName),
    port: graph.anchors.find((a) => a.kind === 'port') ?? byName('Tenth Avenue Marine Terminal'),
    freight: FREIGHT.map(byName),
    busLoops: BUS_LOOPS.map((l) => ({ name: l.name, stops: l.stops.map(byName) })),
  };
}

/**
 * `rng.pick(anchors.filter((a) => a.node !== node))` without the filtered copy (a few hundred
 * anchors per trip and per private car built): the same draw and the same anchor.
 */
export function pickExcept(rng: Rng, anchors: readonly Anchor[], node: number): Anchor {
  let count = 0;
  for (const a of anchors) if (a.node !== node) count++;
  let k = Math.floor(rng.next() * count);
  for (const a of anchors) if (a.node !== node && k-- === 0) return a;
  return undefined as unknown as Anchor; // none left: what rng.pick of an empty list gives
}
