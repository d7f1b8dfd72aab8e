// City buses: a fixed loop of stops all day, with schedule adherence against free-flow time.
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Anchor } from '../roads/graph.js';
import { r1 } from '../events/round.js';
import type { Rng } from '../../common/rng.js';
import type { BusLoop, Places } from './places.js';
import type { Activity, Leg, Next, Plan, Start } from './plan.js';

export class BusPlan implements Plan {
  readonly start: Anchor;
  readonly fleetDriver = true;
  private readonly loop: BusLoop;
  private stop: number;
  private loopStartS = 0;
  private scheduledS = 0;
  private lateSent = false;
  private earlySent = false;

  constructor(
    index: number,
    places: Places,
    private readonly rng: Rng,
  ) {
    this.loop = places.busLoops[index % places.busLoops.length];
    this.stop = rng.int(this.loop.stops.length);
    this.start = this.loop.stops[this.stop];
  }

  initial(): Start {
    return { kind: 'stops', activities: [{ kind: 'layover', engineOn: true, durationS: this.rng.range(5, 60) }] };
  }

  nextLeg(): Leg {
    return this.next();
  }

  arrived(bv: VehicleView, leg: Leg, t: number): Activity[] {
    const stops = this.loop.stops;
    const from = stops[this.stop];
    this.stop = (this.stop + 1) % stops.length;
    this.scheduledS += bv.ctx.routes.route(from.node, leg.to.node).freeFlowS * 1.3 + 35;
    if (this.stop === 0) {
      bv.emit('bus:route:loop_completed', { route: this.loop.name, duration_s: r1(t - this.loopStartS), stops: stops.length });
      this.loopStartS = t;
      this.scheduledS = 0;
      this.lateSent = false;
      this.earlySent = false;
    }
    return [this.busStop()];
  }

  afterStops(): Next {
    return { kind: 'drive', leg: this.next() };
  }

  private next(): Leg {
    return { to: this.loop.stops[(this.stop + 1) % this.loop.stops.length], purpose: 'bus_route' };
  }

  private busStop(): Activity {
    const rng = this.rng;
    const route = this.loop.name;
    let boarded = 0;
    return {
      kind: 'bus_stop',
      engineOn: true,
      durationS: rng.range(20, 45),
      begin: (bv) => {
        const stop = this.loop.stops[this.stop].name;
        const delta = bv.simTimeS - this.loopStartS - this.scheduledS;
        bv.emit('bus:stop:arrived', { ...bv.here(), route, stop, schedule_delta_s: r1(delta) });
        if (delta > 300 && !this.lateSent) {
          this.lateSent = true;
          bv.emit('bus:schedule:late', { route, stop, late_s: r1(delta) });
        }
        if (delta < -120 && !this.earlySent) {
          this.earlySent = true;
          bv.emit('bus:schedule:early', { route, stop, early_s: r1(-delta) });
        }
        bv.emit('door:opened:passenger', { stop });
        if (rng.chance(0.06)) bv.emit('bus:ramp:deployed', { stop });
        boarded = rng.int(12);
      },
      end: (bv) => {
        const stop = this.loop.stops[this.stop].name;
        bv.emit('door:closed:passenger', { stop });
        bv.emit('bus:stop:departed', { ...bv.here(), route, stop, boarded, alighted: rng.int(10) });
      },
    };
  }
}
