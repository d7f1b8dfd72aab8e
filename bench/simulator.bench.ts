// Simulator throughput: telemetry readings per CPU-second with emissions, written as JSON bytes
// (reference: JSON.stringify of the same readings in the same run), and 100k always-on vehicles at
// 1 Hz in real time (CPU per second, start-up included; memory per vehicle; build time). Prints one
// markdown section; logs go to stderr.
import { createSimulation, loadScenario, type EventSink, type TelemetryEvent } from '../simulator/index.js';
import { ByteWriter } from '../simulator/telemetry/byte-writer.js';
import { ReadingWriter } from '../simulator/telemetry/reading-writer.js';
import { readingOf } from '../simulator/telemetry/wire.js';

const quick = process.env.BENCH_QUICK === '1';
const REPS = quick ? 3 : 5;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const cpuS = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ok = (met: boolean) => (met ? 'met' : '**NOT met**');

// 1. Generation rate: a working-hours fleet whose vehicles are mostly on the road.
const mixed = { name: 'bench', seed: 11, start: '2026-03-03T10:00:00', fleet: { vehicles: 2000, mix: { car: 1, van: 1, bus: 1, drayage: 1, ev: 1 } } };
const bytesRates: number[] = [];
const textRates: number[] = [];
const allRates: number[] = [];
// Warm-up (untimed), so the timed repetitions do not pay for compiling: V8 was still re-optimizing
// through the second and third run of both sinks.
for (let warm = 0; warm < 3; warm++) {
  for (const sink of [{ write: () => undefined, writeTelemetryBytes: () => undefined, writeEventBytes: () => undefined }, { write: () => undefined, writeTelemetry: () => undefined }]) {
    await createSimulation(loadScenario(mixed)).run(sink, { pace: 'max', durationS: 120 });
  }
}
for (let rep = 0; rep < REPS; rep++) {
  // Bytes (what the file sink and a producer take without re-encoding), then the text sink.
  for (const bytes of [true, false]) {
    const sim = createSimulation(loadScenario(mixed));
    let size = 0;
    // No forced gc() here: V8 then dropped the optimized code and every repetition paid its JIT
    // warm-up again (807 instead of 616 optimizing compiles over 8 runs, ~0.13 cpu-s per run here),
    // which a running simulator does not. Its own garbage is collected inside the timed run.
    const c0 = process.cpuUsage();
    const sink: EventSink = bytes
      ? { write: (_ev, json) => void (size += json.length), writeTelemetryBytes: (_buf, start, end) => void (size += end - start), writeEventBytes: (_buf, start, end) => void (size += end - start) }
      : { write: (_ev, json) => void (size += json.length), writeTelemetry: (json) => void (size += json.length) };
    const s = await sim.run(sink, { pace: 'max', durationS: 120 });
    const cpu = cpuS(c0);
    const readingsPerS = (s.eventsByType['vehicle:telemetry'] ?? 0) / cpu;
    if (bytes) {
      bytesRates.push(readingsPerS);
      allRates.push(s.records / cpu);
    } else textRates.push(readingsPerS);
    console.error(`rep ${rep} ${bytes ? 'bytes' : 'text'}: ${s.records} records (${size} B) in ${cpu.toFixed(2)} cpu-s`);
  }
}

// Reference in the same run: serializing the same readings only, with JSON.stringify and with the writer.
// Collected after the timed runs: ~70 MB of parsed readings kept alive would slow their GC.
const sample: TelemetryEvent[] = [];
await createSimulation(loadScenario(mixed)).run(
  { write: () => undefined, writeTelemetryBytes: (buf, start, end) => void (sample.length < 200_000 && sample.push(JSON.parse(buf.toString('utf8', start, end)) as TelemetryEvent)) },
  { pace: 'max', durationS: 120 },
);
const raw = sample.map((ev, i) => readingOf(ev, [i, i * 7, i * 13, i * 17]));
const writerRates: number[] = [];
const stringifyRates: number[] = [];
// Each timed loop in its own function: a loop in top-level module code is recompiled (on-stack
// replacement) around itself, and that compile time counted against the writer (~250-350 ns per reading).
const stringifyAll = (): number => {
  let n = 0;
  for (const ev of sample) n += JSON.stringify(ev).length;
  return n;
};
const writeAll = (writer: ReadingWriter): number => {
  let n = 0;
  for (let i = 0; i < raw.length; i++) n += writer.out.pos - writer.write(raw[i]);
  return n;
};
for (let rep = 0; rep < REPS; rep++) {
  let c0 = process.cpuUsage();
  let n = stringifyAll();
  stringifyRates.push(sample.length / cpuS(c0));
  const writer = new ReadingWriter(new ByteWriter(1 << 20));
  c0 = process.cpuUsage();
  n += writeAll(writer);
  writerRates.push(raw.length / cpuS(c0));
  if (n < 0) console.error(n);
}

// 2. 100k always-on vehicles (buses keep their engines on between stops) at 1 Hz, real time.
const BIG = 100_000;
const RUN_S = 20; // vehicles come online over the first 10 s; seconds 11–20 are the steady load
const SPREAD_S = 10;
gc();
const heap0 = process.memoryUsage().heapUsed;
const b0 = performance.now();
const bc0 = process.cpuUsage();
const big = createSimulation(loadScenario({ name: 'realtime', seed: 5, start: '2026-03-03T10:00:00', fleet: { vehicles: BIG, mix: { bus: 1 } } }));
const buildS = (performance.now() - b0) / 1000;
const buildCpuS = cpuS(bc0);
gc();
const perVehicleB = (process.memoryUsage().heapUsed - heap0) / BIG;
const w0 = performance.now();
const c0 = process.cpuUsage();
let readings = 0;
// CPU per simulated second (at pace realtime, one wall second each). Buses come online over the
// first 10 s (start-up events: ignition, doors, login), so those seconds carry more than the rest.
const perSecondCpu: number[] = [];
const readingsBy: number[] = [];
// The pacer waits out each simulated second, so a run that keeps up takes RUN_S of wall time plus
// the last step; how far a step finished behind its second says whether it kept up.
let lagS = 0;
let tick = process.cpuUsage();
const rt = await big.run(
  { write: () => undefined, writeTelemetryBytes: () => void readings++, writeEventBytes: () => undefined },
  {
    pace: 'realtime',
    durationS: RUN_S,
    onProgress({ simulatedS }) {
      lagS = Math.max(lagS, (performance.now() - w0) / 1000 - simulatedS);
      perSecondCpu.push(cpuS(tick));
      readingsBy.push(readings);
      tick = process.cpuUsage();
    },
  },
);
const wallS = (performance.now() - w0) / 1000;
const cpuFraction = cpuS(c0) / wallS;
gc();
const perVehicleRunB = (process.memoryUsage().heapUsed - heap0) / BIG;
const startup = perSecondCpu.slice(0, SPREAD_S);
const steadySeconds = perSecondCpu.slice(SPREAD_S);
const steady = median(steadySeconds);
const worst = Math.max(...perSecondCpu);

// 3. The same 100k as a realistic city mix (most private cars parked at 10:00).
gc();
const cityHeap0 = process.memoryUsage().heapUsed;
const city = createSimulation(loadScenario({ name: 'city', seed: 6, start: '2026-03-03T10:00:00', fleet: { vehicles: BIG } }));
gc();
const cityPerVehicleB = (process.memoryUsage().heapUsed - cityHeap0) / BIG;
const cw0 = performance.now();
const cc0 = process.cpuUsage();
const cityRun = await city.run({ write: () => undefined, writeTelemetryBytes: () => undefined, writeEventBytes: () => undefined }, { pace: 'realtime', durationS: RUN_S });
const cityWallS = (performance.now() - cw0) / 1000;
const cityCpu = cpuS(cc0) / cityWallS;

const gen = median(bytesRates);
const ref = median(stringifyRates);
console.log(`## Simulator

Generation (2,000-vehicle working-hours fleet, 120 simulated s, max pace, ${REPS} repetitions, medians; rates per CPU-second of this process):

| Measure | Rate | Goal |
|---|---|---|
| telemetry readings/CPU-s with emissions, written as JSON bytes (\`writeTelemetryBytes\`; other events as bytes too, \`writeEventBytes\`) | ${fmt(gen)} (${(gen / ref).toFixed(2)}× JSON.stringify) | ≥ 600,000 |
| same, sink takes each reading as a string (\`writeTelemetry\`) | ${fmt(median(textRates))} | |
| all events/CPU-s (telemetry + other events), bytes sink | ${fmt(median(allRates))} | |
| serialization only: the reading writer, readings/CPU-s | ${fmt(median(writerRates))} (${(median(writerRates) / ref).toFixed(2)}× JSON.stringify) | |
| reference: \`JSON.stringify\` of the same ${fmt(sample.length)} readings, per CPU-s | ${fmt(ref)} | |

Real time (${fmt(BIG)} buses, engines always on, 1 Hz, ${RUN_S} simulated s at pace realtime, bytes sink):

| Measure | Value | Goal |
|---|---|---|
| readings emitted | ${fmt(readings)} (${fmt((readingsBy[RUN_S - 1] - readingsBy[SPREAD_S - 1]) / (RUN_S - SPREAD_S))} per simulated s once all are online) | 100,000/s |
| wall time for ${RUN_S} simulated s, start-up included (worst lag of a step behind its second) | ${wallS.toFixed(1)} s (${lagS > 0 ? `${lagS.toFixed(2)} s` : 'none'}) | ≤ ${RUN_S} s (no lag) |
| CPU used (process.cpuUsage / wall), start-up included | ${cpuFraction.toFixed(2)} cores | |
| seconds 1–${SPREAD_S} (buses come online, start-up events): median (max) CPU per simulated second | ${median(startup).toFixed(2)} (${Math.max(...startup).toFixed(2)}) cpu-s | ≤ 1 |
| steady 1 Hz load, seconds ${SPREAD_S + 1}–${RUN_S}: median (max) CPU per simulated second | ${steady.toFixed(2)} (${Math.max(...steadySeconds).toFixed(2)}) cpu-s | ≤ 0.3 (≤ 1) |
| fleet build time: wall (CPU) | ${buildS.toFixed(1)} s (${buildCpuS.toFixed(1)} cpu-s) | ≤ 5 s |
| heap per vehicle after build | ${fmt(perVehicleB)} B | |
| heap per vehicle after running | ${fmt(perVehicleRunB)} B | ≤ 1,536 B |

Real time, realistic mix (${fmt(BIG)} vehicles, default class mix, 10:00 on a weekday, ${RUN_S} simulated s, start-up included): ${fmt(cityRun.eventsByType['vehicle:telemetry'] ?? 0)} readings and ${fmt(cityRun.records)} events, ${cityWallS.toFixed(1)} s wall, **${cityCpu.toFixed(2)} cores**, ${fmt(cityPerVehicleB)} B heap per vehicle.

Verdict: ≥ 600k readings/CPU-s is ${ok(gen >= 600_000)} (one reading costs ${fmt(1e9 / gen)} ns of CPU, everything included; the writer alone ${fmt(1e9 / median(writerRates))} ns, JSON.stringify ${fmt(1e9 / ref)} ns); real time for 100k always-on vehicles is ${ok(lagS <= 0.1)} (worst lag ${Math.max(0, lagS).toFixed(2)} s); steady ≤ 0.3 core is ${ok(steady <= 0.3)}; no second above 1 core is ${ok(worst <= 1)} (worst ${worst.toFixed(2)}); heap ≤ 1.5 KB per vehicle is ${ok(perVehicleRunB <= 1536)}; build ≤ 5 s is ${ok(buildS <= 5)} (${buildCpuS.toFixed(1)} cpu-s). The machine is shared by several agents, so absolute numbers are pessimistic; the ratios are same-run.`);
console.error(`summary: ${rt.records} records`);
