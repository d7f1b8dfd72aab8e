// Private cars, light trucks and EVs: home, a workplace and errands, leaving by time-of-day demand.
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Anchor } from '../roads/graph.js';
import type { Rng } from '../../common/rng.js';
import { nextDepartureDelayS, purposeAt } from './demand.js';
import { pickExcept, type Places } from './places.js';
import type { Activity, Leg, Next, Plan, Start } from './plan.js';

export class PrivatePlan implements Plan {
  readonly start: Anchor;
  readonly fleetDriver = false;
  private readonly work: Anchor;
  private lastPurpose = '';

  constructor(
    private readonly places: Places,
    private readonly rng: Rng,
  ) {
    const home = rng.pick(places.homes);
    this.start = home;
    this.work = pickExcept(rng, places.works, home.node);
  }

  initial(v: VehicleView, t: number): Start {
    return { kind: 'park', departInS: this.departIn(v, t) };
  }

  nextLeg(v: VehicleView, at: Anchor, t: number): Leg {
    const home = this.start;
    const purpose = purposeAt(v.ctx.hourAt(t), at.node === home.node, this.rng);
    this.lastPurpose = purpose;
    const to = purpose === 'commute_to_work' ? this.work : purpose === 'commute_home' ? home : this.errand(at);
    return { to: to.node === at.node ? this.errand(at) : to, purpose };
  }

  arrived(): Activity[] {
    return [];
  }

  afterStops(v: VehicleView, t: number): Next {
    return { kind: 'park', departInS: this.lastPurpose === 'errand' ? this.rng.range(900, 5400) : this.departIn(v, t) };
  }

  private errand(not: Anchor): Anchor {
    return pickExcept(this.rng, this.places.errands, not.node);
  }

  private departIn(v: VehicleView, t: number): number {
    return nextDepartureDelayS((s) => v.ctx.hourAt(t + s), this.rng, v.ctx.tripRate);
  }
}
