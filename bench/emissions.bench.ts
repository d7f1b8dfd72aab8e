// Emission-model steps per second per class, against JSON.stringify of one telemetry reading in the
// same process: the simulator's budget is ≥ 600k readings per CPU-second including JSON, so the
// step's share of that budget is the figure that matters. Median of 5 repetitions.
import { loadCycle } from '../simulator/cycles.js';
import { VEHICLE_CLASSES, createEmissionModel, type VehicleClass } from '../simulator/emissions/index.js';
import { cycleAccelerations } from '../simulator/emissions/calibration.js';

const STEPS = 2_000_000;
const REPS = 5;

// Inputs: UDDS then US06, with a grade that changes every 50 s, repeated.
const speeds = [...loadCycle('udds').speedsMps, ...loadCycle('us06').speedsMps];
const accels = [...cycleAccelerations(loadCycle('udds').speedsMps, 1, 'central'), ...cycleAccelerations(loadCycle('us06').speedsMps, 1, 'central')];
const grades = speeds.map((_, i) => [0, 2, -3, 0, 5][Math.floor(i / 50) % 5]);
const n = speeds.length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeSteps(vehicleClass: VehicleClass): number {
  const model = createEmissionModel(vehicleClass);
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < STEPS; i++) {
    const k = i % n;
    sink += model.step(speeds[k], accels[k], grades[k], 1).co2_g;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink < 0) console.error('impossible');
  return STEPS / s;
}

function timeJson(): number {
  const count = STEPS / 4;
  const reading = {
    event_uuid: '4f9c2a8e-1b7d-4c3e-9a51-0d2f6b8e7c41', event_name: 'vehicle:telemetry', created_at: 1795000000.123,
    vehicle_id: 'veh-000123', seq: 1, lat: 32.7157, lon: -117.1611, heading_deg: 90, speed_kmh: 0, accel_mps2: 0, odometer_km: 1234.5,
    co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, fuel_g: 0, energy_wh: 0,
  };
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    reading.seq = i;
    reading.speed_kmh = speeds[i % n] * 3.6;
    bytes += JSON.stringify(reading).length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (bytes < 0) console.error('impossible');
  return count / s;
}

/** Heap bytes one vehicle's model holds (100k models, after a full GC; needs --expose-gc). */
function bytesPerModel(vehicleClass: VehicleClass): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  const count = 100_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const models = Array.from({ length: count }, () => createEmissionModel(vehicleClass));
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / models.length;
  return bytes;
}

for (const c of VEHICLE_CLASSES) timeSteps(c); // warm-up: let the JIT settle on every model
timeJson();

const jsonRate = median(Array.from({ length: REPS }, timeJson));
const rows = VEHICLE_CLASSES.map((c) => {
  const rate = median(Array.from({ length: REPS }, () => timeSteps(c)));
  return `| ${c} | ${(rate / 1e6).toFixed(1)} M | ${(1e9 / rate).toFixed(0)} ns | ${((jsonRate / rate) * 100).toFixed(1)} % | ${bytesPerModel(c).toFixed(0)} B |`;
});

console.log(`## Emission models

\`createEmissionModel(class).step()\` over UDDS + US06 with grades from −3 % to +5 %, ${STEPS / 1e6}M steps per repetition, median of ${REPS}.
Heap per model: 100k models of the class held in an array, after a full GC (includes the 8-byte array slot).
Reference in the same run: \`JSON.stringify\` of one telemetry reading, ${(jsonRate / 1e6).toFixed(2)} M/s (${(1e9 / jsonRate).toFixed(0)} ns).

| class | steps/s | per step | step time ÷ JSON time | heap per model |
|---|---|---|---|---|
${rows.join('\n')}
`);
