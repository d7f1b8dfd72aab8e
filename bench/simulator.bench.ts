// Simulator throughput: readings per CPU-second with emissions and JSON (reference: JSON.stringify of
// the same events in the same run), and 100k always-on vehicles at 1 Hz in real time (CPU fraction,
// memory per vehicle). Prints one markdown section; logs go to stderr.
import { createSimulation, encodeEvent, loadScenario, type EventSink, type FleetEvent } from '../simulator/index.js';

const REPS = 5;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const cpuS = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// 1. Generation rate: a working-hours fleet whose vehicles are mostly on the road.
const mixed = { name: 'bench', seed: 11, start: '2026-03-03T10:00:00', fleet: { vehicles: 2000, mix: { car: 1, van: 1, bus: 1, drayage: 1, ev: 1 } } };
const genRates: number[] = [];
const objectRates: number[] = [];
const allRates: number[] = [];
// The events to serialize in the reference below (an untimed run through the object-taking sink).
const sample: FleetEvent[] = [];
await createSimulation(loadScenario(mixed)).run({ write: (ev) => void (sample.length < 200_000 && sample.push(ev)) }, { pace: 'max', durationS: 120 });
for (let rep = 0; rep < REPS; rep++) {
  // JSON-only sink (what a producer needs: the line, the vehicle id, the seq), then the object sink.
  for (const objects of [false, true]) {
    const sim = createSimulation(loadScenario(mixed));
    let bytes = 0;
    gc();
    const c0 = process.cpuUsage();
    const sink: EventSink = objects
      ? { write: (_ev, json) => void (bytes += json.length) }
      : { write: (_ev, json) => void (bytes += json.length), writeTelemetry: (json) => void (bytes += json.length) };
    const s = await sim.run(sink, { pace: 'max', durationS: 120 });
    const cpu = cpuS(c0);
    const readingsPerS = (s.eventsByType['vehicle:telemetry'] ?? 0) / cpu;
    if (objects) objectRates.push(readingsPerS);
    else {
      genRates.push(readingsPerS);
      allRates.push(s.records / cpu);
    }
    console.error(`rep ${rep} ${objects ? 'objects' : 'json'}: ${s.records} records (${bytes} B) in ${cpu.toFixed(2)} cpu-s`);
  }
}

// Reference in the same run: serializing the same events only.
const encRates: number[] = [];
const stringifyRates: number[] = [];
for (let rep = 0; rep < REPS; rep++) {
  let n = 0;
  let c0 = process.cpuUsage();
  for (const ev of sample) n += encodeEvent(ev).length;
  encRates.push(sample.length / cpuS(c0));
  c0 = process.cpuUsage();
  for (const ev of sample) n += JSON.stringify(ev).length;
  stringifyRates.push(sample.length / cpuS(c0));
  if (n < 0) console.error(n);
}

// 2. 100k always-on vehicles (buses keep their engines on between stops) at 1 Hz, real time.
const BIG = 100_000;
const RUN_S = 10;
gc();
const heap0 = process.memoryUsage().heapUsed;
const b0 = performance.now();
const big = createSimulation(loadScenario({ name: 'realtime', seed: 5, start: '2026-03-03T10:00:00', fleet: { vehicles: BIG, mix: { bus: 1 } } }));
const buildS = (performance.now() - b0) / 1000;
gc();
const perVehicleB = (process.memoryUsage().heapUsed - heap0) / BIG;
const w0 = performance.now();
const c0 = process.cpuUsage();
let readings = 0;
// CPU per simulated second: the first second carries every bus's start-up events (ignition, doors,
// login: ~9 per bus), the rest is the steady 1 Hz load.
const perSecondCpu: number[] = [];
let tick = process.cpuUsage();
const rt = await big.run(
  { write: () => undefined, writeTelemetry: () => void readings++ },
  {
    pace: 'realtime',
    durationS: RUN_S,
    onProgress() {
      perSecondCpu.push(cpuS(tick));
      tick = process.cpuUsage();
    },
  },
);
const wallS = (performance.now() - w0) / 1000;
const cpuFraction = cpuS(c0) / wallS;
gc();
const perVehicleRunB = (process.memoryUsage().heapUsed - heap0) / BIG;

// 3. The same 100k as a realistic city mix (most private cars parked at 10:00).
gc();
const cityHeap0 = process.memoryUsage().heapUsed;
const city = createSimulation(loadScenario({ name: 'city', seed: 6, start: '2026-03-03T10:00:00', fleet: { vehicles: BIG } }));
gc();
const cityPerVehicleB = (process.memoryUsage().heapUsed - cityHeap0) / BIG;
const cw0 = performance.now();
const cc0 = process.cpuUsage();
const cityRun = await city.run({ write: () => undefined, writeTelemetry: () => undefined }, { pace: 'realtime', durationS: RUN_S });
const cityWallS = (performance.now() - cw0) / 1000;
const cityCpu = cpuS(cc0) / cityWallS;

console.log(`## Simulator

Generation (2,000-vehicle working-hours fleet, 120 simulated s, max pace, ${REPS} repetitions, medians; rates per CPU-second of this process):

| Measure | Rate | Goal |
|---|---|---|
| telemetry readings/s/core, with emissions and JSON (sink takes JSON: \`writeTelemetry\`) | ${fmt(median(genRates))} | ≥ 1,000,000 |
| same, sink also takes an event object per reading (\`write\` only) | ${fmt(median(objectRates))} | |
| all events/s/core (telemetry + other events) | ${fmt(median(allRates))} | |
| serialization only: \`encodeEvent\` events/s | ${fmt(median(encRates))} | |
| reference: \`JSON.stringify\` of the same ${fmt(sample.length)} events/s | ${fmt(median(stringifyRates))} | |
| encoder speed vs JSON.stringify | ${(median(encRates) / median(stringifyRates)).toFixed(2)}× | |

Real time (${fmt(BIG)} buses, engines always on, 1 Hz, ${RUN_S} simulated s at pace realtime):

| Measure | Value | Goal |
|---|---|---|
| readings emitted | ${fmt(readings)} (${fmt(readings / RUN_S)} per simulated s) | 100,000/s |
| wall time for ${RUN_S} simulated s | ${wallS.toFixed(1)} s | ${RUN_S} s (keeps up) |
| CPU used (process.cpuUsage / wall), start-up second included | ${cpuFraction.toFixed(2)} cores | < 1 core |
| first simulated second (start-up events of every bus) | ${perSecondCpu[0].toFixed(2)} cpu-s | |
| steady 1 Hz load, seconds 2–${RUN_S}: median (max) CPU per simulated second | ${median(perSecondCpu.slice(1)).toFixed(2)} (${Math.max(...perSecondCpu.slice(1)).toFixed(2)}) cpu-s | < 1 |
| fleet build time | ${buildS.toFixed(1)} s | |
| heap per vehicle after build | ${fmt(perVehicleB)} B | |
| heap per vehicle after running | ${fmt(perVehicleRunB)} B | |

Real time, realistic mix (${fmt(BIG)} vehicles, default class mix, 10:00 on a weekday, ${RUN_S} simulated s): ${fmt(cityRun.eventsByType['vehicle:telemetry'] ?? 0)} readings and ${fmt(cityRun.records)} events, ${cityWallS.toFixed(1)} s wall, **${cityCpu.toFixed(2)} cores**, ${fmt(cityPerVehicleB)} B heap per vehicle.

Verdict: ≥ 1M readings/s/core is ${median(genRates) >= 1e6 ? 'met' : 'NOT met'}; 100k always-on vehicles in real time under one core is ${cpuFraction < 1 && wallS <= RUN_S * 1.05 ? 'met' : median(perSecondCpu.slice(1)) < 1 ? 'met for the steady 1 Hz load but NOT including the start-up second' : 'NOT met'} on this machine (a realistic 100k mix, where parked vehicles only send heartbeats, is a different load: see its line). One reading costs ${fmt(1e9 / median(genRates))} ns of CPU here (everything included), of which serializing one event takes ${fmt(1e9 / median(encRates))} ns (the hand-rolled encoder is ${(median(encRates) / median(stringifyRates)).toFixed(1)}× \`JSON.stringify\`); 1M/s/core would need 1,000 ns for everything, so it is out of reach for JSON text in JavaScript on this machine. The machine is shared by several agents, so absolute numbers are pessimistic; the ratios are same-run.`);
console.error(`summary: ${rt.records} records`);
