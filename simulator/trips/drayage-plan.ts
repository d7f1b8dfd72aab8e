// Drayage tractors: port terminal (gate queue with the engine running, handling) ⇄ freight customers.
import type { VehicleView } from '../fleet/vehicle-view.js';
import type { Anchor } from '../roads/graph.js';
import { r1 } from '../events/round.js';
import type { Rng } from '../../common/rng.js';
import { eventKey } from '../telemetry/event-line.js';
import type { Places } from './places.js';
import type { Activity, Leg, Next, Plan, Start } from './plan.js';

const DEF_REFILL_BELOW_PCT = 30;
const K_TERMINAL = eventKey('terminal');
const K_TRUCKS_AHEAD = eventKey('trucks_ahead');
const K_LOCATION = eventKey('location');

export class DrayagePlan implements Plan {
  readonly start: Anchor;
  readonly fleetDriver = true;
  private readonly port: Anchor;
  private readonly startAtPort: boolean;
  private at: Anchor;

  constructor(
    private readonly places: Places,
    private readonly rng: Rng,
  ) {
    this.port = places.port;
    this.startAtPort = rng.chance(0.5);
    this.at = this.startAtPort ? this.port : rng.pick(places.freight);
    this.start = this.at;
  }

  initial(): Start {
    const acts = this.startAtPort ? this.terminal() : this.customer();
    acts[0].durationS = this.rng.range(1, acts[0].durationS);
    return { kind: 'stops', activities: acts };
  }

  nextLeg(v: VehicleView): Leg {
    return this.leave(v);
  }

  arrived(_v: VehicleView, leg: Leg): Activity[] {
    this.at = leg.to;
    return this.at.node === this.port.node ? this.terminal() : this.customer();
  }

  afterStops(v: VehicleView): Next {
    return { kind: 'drive', leg: this.leave(v) };
  }

  private leave(v: VehicleView): Leg {
    if (this.at.node === this.port.node) {
      v.emit('port:gate:exited', { ...v.here(), terminal: this.port.name });
      return { to: this.rng.pick(this.places.freight), purpose: 'drayage_delivery' };
    }
    return { to: this.port, purpose: 'drayage_return' };
  }

  private terminal(): Activity[] {
    const rng = this.rng;
    const terminal = this.port.name;
    return [
      {
        kind: 'port_queue',
        engineOn: true, // trucks creep through the gate queue with the engine running
        durationS: rng.range(180, 900),
        begin: (v) => {
          v.lineAt('port:gate:entered').text(K_TERMINAL, terminal).end();
          const ahead = 2 + rng.int(25); // drawn before the event's UUID, as emit's fields were
          v.line('port:queue:joined').text(K_TERMINAL, terminal).integer(K_TRUCKS_AHEAD, ahead).end();
        },
      },
      {
        kind: 'terminal_handling',
        engineOn: false,
        durationS: rng.range(900, 1800),
        end: (v) => {
          v.emit('cargo:container:unloaded', { terminal, container: containerId(rng) });
          v.emit('cargo:container:loaded', { terminal, container: containerId(rng) });
          if (v.defLevelPct() < DEF_REFILL_BELOW_PCT) v.emit('def:refill:completed', { liters: r1(v.refillDef()) });
        },
      },
    ];
  }

  private customer(): Activity[] {
    return [
      {
        kind: 'unloading',
        engineOn: false,
        durationS: this.rng.range(900, 2400),
        begin: (v) => v.lineAt('door:opened:cargo').text(K_LOCATION, this.at.name).end(),
        end: (v) => {
          v.emit('cargo:container:unloaded', { location: this.at.name, container: containerId(this.rng) });
          v.emit('door:closed:cargo', v.here());
        },
      },
    ];
  }
}

function containerId(rng: Rng): string {
  const owner = rng.pick(['MSCU', 'MAEU', 'CMAU', 'HLXU', 'DOLU', 'EGLV']);
  return `${owner}${String(rng.int(1_000_000)).padStart(6, '0')}${rng.int(10)}`;
}
