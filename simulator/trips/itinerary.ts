// What each kind of vehicle does next: private commuters (demand by time of day), delivery vans
// (depot tours), buses (fixed loops with stops) and drayage trucks (port ⇄ freight destinations).
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Anchor } from '../roads/graph.js';
import { r1 } from '../events/round.js';
import type { Rng } from '../../common/rng.js';
import type { VehicleClass } from '../emissions/index.js';
import { nextDepartureDelayS, purposeAt } from './demand.js';
import type { Places } from './places.js';

export interface Leg {
  to: Anchor;
  purpose: string;
}

export interface Activity {
  kind: string;
  engineOn: boolean;
  durationS: number;
  begin?(v: VehicleView): void;
  end?(v: VehicleView): void;
}

export type Next = { kind: 'park'; departInS: number } | { kind: 'drive'; leg: Leg };

export interface Plan {
  readonly start: Anchor;
  /** Fleet vehicles log their driver in and out. */
  readonly fleetDriver: boolean;
  initial(v: VehicleView, t: number): { kind: 'park'; departInS: number } | { kind: 'stops'; activities: Activity[] };
  /** Leaving a parking place. */
  nextLeg(v: VehicleView, at: Anchor, t: number): Leg;
  /** Stops to make on arrival. */
  arrived(v: VehicleView, leg: Leg, t: number): Activity[];
  /** After the stops: park or drive on. */
  afterStops(v: VehicleView, t: number): Next;
}

export function planFor(vehicleClass: VehicleClass, index: number, places: Places, rng: Rng): Plan {
  switch (vehicleClass) {
    case 'van':
      return vanPlan(places, rng);
    case 'bus':
      return busPlan(index, places, rng);
    case 'drayage':
      return drayagePlan(places, rng);
    default:
      return privatePlan(places, rng);
  }
}

const hoursUntil = (h: number, target: number) => ((target - h + 24) % 24) * 3600;
const inWorkHours = (h: number) => h >= 6 && h < 19;

function privatePlan(places: Places, rng: Rng): Plan {
  const home = rng.pick(places.homes);
  const work = rng.pick(places.works.filter((w) => w.node !== home.node));
  let lastPurpose = '';
  const errand = (not: Anchor) => {
    const choices = places.errands.filter((a) => a.node !== not.node);
    return rng.pick(choices);
  };
  const departIn = (v: VehicleView, t: number) => nextDepartureDelayS((s) => v.ctx.hourAt(t + s), rng, v.ctx.tripRate);
  return {
    start: home,
    fleetDriver: false,
    initial: (v, t) => ({ kind: 'park', departInS: departIn(v, t) }),
    nextLeg(v, at, t) {
      const purpose = purposeAt(v.ctx.hourAt(t), at.node === home.node, rng);
      lastPurpose = purpose;
      const to = purpose === 'commute_to_work' ? work : purpose === 'commute_home' ? home : errand(at);
      return { to: to.node === at.node ? errand(at) : to, purpose };
    },
    arrived: () => [],
    afterStops: (v, t) => ({ kind: 'park', departInS: lastPurpose === 'errand' ? rng.range(900, 5400) : departIn(v, t) }),
  };
}

function vanPlan(places: Places, rng: Rng): Plan {
  const depot = rng.pick(places.depots);
  let stopsLeft = 0;
  let at = depot;
  const deliveryStop = (): Activity => ({
    kind: 'delivery',
    engineOn: false,
    durationS: rng.range(120, 420),
    begin: (v) => v.emit('door:opened:cargo', { ...v.here(), location: at.name }),
    end: (v) => {
      v.emit('door:closed:cargo', v.here());
      const roll = rng.next();
      if (roll < 0.08) v.emit('cargo:delivery:failed', { ...v.here(), location: at.name, reason: 'recipient_unavailable' });
      else if (roll < 0.22) v.emit('cargo:pickup:completed', { ...v.here(), location: at.name, parcels: 1 + rng.int(6) });
      else v.emit('cargo:delivery:completed', { ...v.here(), location: at.name, parcels: 1 + rng.int(4) });
    },
  });
  const tourLeg = (): Leg => {
    stopsLeft--;
    return { to: rng.pick(places.errands.filter((a) => a.node !== at.node)), purpose: 'delivery' };
  };
  return {
    start: depot,
    fleetDriver: true,
    initial: (v, t) => {
      const h = v.ctx.hourAt(t);
      if (!inWorkHours(h)) return { kind: 'park', departInS: hoursUntil(h, 6) + rng.range(0, 3600) };
      stopsLeft = 3 + rng.int(6);
      return { kind: 'stops', activities: [{ kind: 'loading', engineOn: false, durationS: rng.range(1, 1500) }] };
    },
    nextLeg() {
      stopsLeft = 4 + rng.int(5);
      return tourLeg();
    },
    arrived(_v, leg) {
      at = leg.to;
      return leg.purpose === 'delivery' ? [deliveryStop()] : [];
    },
    afterStops(v, t) {
      if (stopsLeft > 0) return { kind: 'drive', leg: tourLeg() };
      if (at.node !== depot.node) return { kind: 'drive', leg: { to: depot, purpose: 'return_to_depot' } };
      const h = v.ctx.hourAt(t);
      return { kind: 'park', departInS: inWorkHours(h) ? rng.range(900, 2700) : hoursUntil(h, 6) + rng.range(0, 3600) };
    },
  };
}

function busPlan(index: number, places: Places, rng: Rng): Plan {
  const loop = places.busLoops[index % places.busLoops.length];
  let stop = rng.int(loop.stops.length);
  let loopStartS = 0;
  let scheduledS = 0;
  let lateSent = false;
  let earlySent = false;
  const next = (): Leg => ({ to: loop.stops[(stop + 1) % loop.stops.length], purpose: 'bus_route' });
  const busStop = (): Activity => {
    let boarded = 0;
    return {
      kind: 'bus_stop',
      engineOn: true,
      durationS: rng.range(20, 45),
      begin: (bv) => {
        const delta = bv.simTimeS - loopStartS - scheduledS;
        bv.emit('bus:stop:arrived', { ...bv.here(), route: loop.name, stop: loop.stops[stop].name, schedule_delta_s: r1(delta) });
        if (delta > 300 && !lateSent) {
          lateSent = true;
          bv.emit('bus:schedule:late', { route: loop.name, stop: loop.stops[stop].name, late_s: r1(delta) });
        }
        if (delta < -120 && !earlySent) {
          earlySent = true;
          bv.emit('bus:schedule:early', { route: loop.name, stop: loop.stops[stop].name, early_s: r1(-delta) });
        }
        bv.emit('door:opened:passenger', { stop: loop.stops[stop].name });
        if (rng.chance(0.06)) bv.emit('bus:ramp:deployed', { stop: loop.stops[stop].name });
        boarded = rng.int(12);
      },
      end: (bv) => {
        bv.emit('door:closed:passenger', { stop: loop.stops[stop].name });
        bv.emit('bus:stop:departed', { ...bv.here(), route: loop.name, stop: loop.stops[stop].name, boarded, alighted: rng.int(10) });
      },
    };
  };
  return {
    start: loop.stops[stop],
    fleetDriver: true,
    initial: () => ({ kind: 'stops', activities: [{ kind: 'layover', engineOn: true, durationS: rng.range(5, 60) }] }),
    nextLeg: () => next(),
    arrived(bv, leg, t) {
      const from = loop.stops[stop];
      stop = (stop + 1) % loop.stops.length;
      scheduledS += bv.ctx.routes.route(from.node, leg.to.node).freeFlowS * 1.3 + 35;
      if (stop === 0) {
        bv.emit('bus:route:loop_completed', { route: loop.name, duration_s: r1(t - loopStartS), stops: loop.stops.length });
        loopStartS = t;
        scheduledS = 0;
        lateSent = false;
        earlySent = false;
      }
      return [busStop()];
    },
    afterStops: () => ({ kind: 'drive', leg: next() }),
  };
}

function drayagePlan(places: Places, rng: Rng): Plan {
  const port = places.port;
  const startAtPort = rng.chance(0.5);
  let at = startAtPort ? port : rng.pick(places.freight);
  const terminal = (): Activity[] => [
    {
      kind: 'port_queue',
      engineOn: true, // trucks creep through the gate queue with the engine running
      durationS: rng.range(180, 900),
      begin: (v) => {
        v.emit('port:gate:entered', { ...v.here(), terminal: port.name });
        v.emit('port:queue:joined', { terminal: port.name, trucks_ahead: 2 + rng.int(25) });
      },
    },
    {
      kind: 'terminal_handling',
      engineOn: false,
      durationS: rng.range(900, 1800),
      end: (v) => {
        v.emit('cargo:container:unloaded', { terminal: port.name, container: containerId(rng) });
        v.emit('cargo:container:loaded', { terminal: port.name, container: containerId(rng) });
        if (v.defLevelPct() < 30) v.emit('def:refill:completed', { liters: r1(v.refillDef()) });
      },
    },
  ];
  const customer = (): Activity[] => [
    {
      kind: 'unloading',
      engineOn: false,
      durationS: rng.range(900, 2400),
      begin: (v) => v.emit('door:opened:cargo', { ...v.here(), location: at.name }),
      end: (v) => {
        v.emit('cargo:container:unloaded', { location: at.name, container: containerId(rng) });
        v.emit('door:closed:cargo', v.here());
      },
    },
  ];
  const leave = (v: VehicleView): Leg => {
    if (at.node === port.node) {
      v.emit('port:gate:exited', { ...v.here(), terminal: port.name });
      return { to: rng.pick(places.freight), purpose: 'drayage_delivery' };
    }
    return { to: port, purpose: 'drayage_return' };
  };
  return {
    start: at,
    fleetDriver: true,
    initial: () => {
      const acts = startAtPort ? terminal() : customer();
      acts[0].durationS = rng.range(1, acts[0].durationS);
      return { kind: 'stops', activities: acts };
    },
    nextLeg: (v) => leave(v),
    arrived(_v, leg) {
      at = leg.to;
      return at.node === port.node ? terminal() : customer();
    },
    afterStops: (v) => ({ kind: 'drive', leg: leave(v) }),
  };
}

function containerId(rng: Rng): string {
  const owner = rng.pick(['MSCU', 'MAEU', 'CMAU', 'HLXU', 'DOLU', 'EGLV']);
  return `${owner}${String(rng.int(1_000_000)).padStart(6, '0')}${rng.int(10)}`;
}
