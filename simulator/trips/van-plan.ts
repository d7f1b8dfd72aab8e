// Delivery vans: tours of 4–8 stops from their depot during working hours, then back to the depot.
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Anchor } from '../roads/graph.js';
import type { Rng } from '../../common/rng.js';
import { eventKey } from '../telemetry/event-line.js';
import { pickExcept, type Places } from './places.js';
import { type Activity, hoursUntil, inWorkHours, type Leg, type Next, type Plan, type Start } from './plan.js';

const K_LOCATION = eventKey('location');

export class VanPlan implements Plan {
  readonly start: Anchor;
  readonly fleetDriver = true;
  private stopsLeft = 0;
  private at: Anchor;

  constructor(
    private readonly places: Places,
    private readonly rng: Rng,
  ) {
    this.start = rng.pick(places.depots);
    this.at = this.start;
  }

  initial(v: VehicleView, t: number): Start {
    const h = v.ctx.hourAt(t);
    if (!inWorkHours(h)) return { kind: 'park', departInS: hoursUntil(h, 6) + this.rng.range(0, 3600) };
    this.stopsLeft = 3 + this.rng.int(6);
    return { kind: 'stops', activities: [{ kind: 'loading', engineOn: false, durationS: this.rng.range(1, 1500) }] };
  }

  nextLeg(): Leg {
    this.stopsLeft = 4 + this.rng.int(5);
    return this.tourLeg();
  }

  arrived(_v: VehicleView, leg: Leg): Activity[] {
    this.at = leg.to;
    return leg.purpose === 'delivery' ? [this.deliveryStop()] : [];
  }

  afterStops(v: VehicleView, t: number): Next {
    if (this.stopsLeft > 0) return { kind: 'drive', leg: this.tourLeg() };
    if (this.at.node !== this.start.node) return { kind: 'drive', leg: { to: this.start, purpose: 'return_to_depot' } };
    const h = v.ctx.hourAt(t);
    return { kind: 'park', departInS: inWorkHours(h) ? this.rng.range(900, 2700) : hoursUntil(h, 6) + this.rng.range(0, 3600) };
  }

  private tourLeg(): Leg {
    this.stopsLeft--;
    return { to: pickExcept(this.rng, this.places.errands, this.at.node), purpose: 'delivery' };
  }

  private deliveryStop(): Activity {
    const rng = this.rng;
    return {
      kind: 'delivery',
      engineOn: false,
      durationS: rng.range(120, 420),
      begin: (v) => v.lineAt('door:opened:cargo').text(K_LOCATION, this.at.name).end(),
      end: (v) => {
        v.emit('door:closed:cargo', v.here());
        const roll = rng.next();
        if (roll < 0.08) v.emit('cargo:delivery:failed', { ...v.here(), location: this.at.name, reason: 'recipient_unavailable' });
        else if (roll < 0.22) v.emit('cargo:pickup:completed', { ...v.here(), location: this.at.name, parcels: 1 + rng.int(6) });
        else v.emit('cargo:delivery:completed', { ...v.here(), location: this.at.name, parcels: 1 + rng.int(4) });
      },
    };
  }
}
