import { gunzipSync } from 'node:zlib';
import { seededRandom } from '../../pipeline/stream/random.js';
import type { Bucket } from '../../pipeline/lake/bucket.js';

export interface SampleEvent {
  event_uuid: string;
  event_name: string;
  created_at: number;
  vehicle_id: string;
  seq: number;
  speed_kmh: number;
}

const NAMES = ['vehicle:telemetry', 'trip:started', 'trip:ended', 'alert:harsh_braking', 'charge:session:completed'];

/** `perVehicle` events for each of `vehicles` vehicles, seq 1.., seeded so runs reproduce. */
export function sampleEvents(vehicles: number, perVehicle: number, seed = 1): SampleEvent[] {
  const random = seededRandom(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const out: SampleEvent[] = [];
  for (let seq = 1; seq <= perVehicle; seq++) {
    for (let v = 0; v < vehicles; v++) {
      out.push({
        event_uuid: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        event_name: NAMES[Math.floor(random() * NAMES.length)],
        created_at: 1_767_600_000 + seq * 7 + v / 1000,
        vehicle_id: `veh-${String(v).padStart(4, '0')}`,
        seq,
        speed_kmh: Math.round(random() * 1200) / 10,
      });
    }
  }
  return out;
}

/** Every NDJSON line under `prefix` in the bucket, parsed (gzip objects only). */
export async function readLake(bucket: Bucket, prefix: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of await bucket.list(prefix)) {
    const text = gunzipSync(await bucket.get(key)).toString('utf8');
    for (const line of text.split('\n')) if (line.length > 0) rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return rows;
}
