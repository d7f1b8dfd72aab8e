// What observability costs, and what the report weighs.
// 1. End to end (simulator → producer → gate → kinesalite → delivery): events/s with --quiet (series
//    only) against the live view plus --ui with a connected dashboard, alternating runs, medians.
// 2. The simulator's hot path, where the tap sits: events/s into a null sink without the tap, and
//    with tap + recorder + view + dashboard.
// 3. report.html size and generation time for the demo run, and for a 1-hour datalake-1m-per-hour
//    series: the simulator part is real (datalake scenario, 3600 simulated s through the tap, one
//    line per simulated second); producer/gate/delivery lines are synthesised at its rate, because
//    a real hour through kinesalite (about 7k records/s here) would take hours of wall time.
import { get } from 'node:http';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startObservability, type Observability } from '../observe/observability.js';
import { writeReport } from '../observe/report.js';
import type { SeriesLine } from '../observe/series-line.js';
import { loadNeighbourhoods } from '../observe/city-map.js';
import { createSimulatorTap } from '../observe/simulator-tap.js';
import { createSimulation, loadScenario, type EventSink } from '../simulator/index.js';
import { observedRun } from '../test/observe/observed-run.js';

const ROUNDS = Number(process.env.SDFLEET_BENCH_ROUNDS ?? 7);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const size = (b: number): string => (b < 2 ** 20 ? `${fmt(b / 1024)} KiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const scenarioPath = (name: string) => fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url));

/** A TTY-like sink for the live view that drops what it is given. */
function nullTty(): NodeJS.WriteStream {
  const w = new Writable({ write: (_c, _e, cb) => cb() });
  return Object.assign(w, { isTTY: true, columns: 160, rows: 40 }) as unknown as NodeJS.WriteStream;
}

/** Reads the dashboard's event stream like a browser tab would. */
function subscribe(url: string): () => void {
  const req = get(`${url}events`, (res) => res.resume());
  req.on('error', () => undefined);
  return () => req.destroy();
}

/** CPU seconds of this process (kinesalite, the gate, the delivery and the simulator all run in it). */
function cpuS(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** Paired rounds in alternating order: the median of per-round ratios cancels the shared machine's drift. */
async function compare(run: (observed: boolean) => Promise<{ events: number; wallS: number; cpuS: number }>): Promise<{ quietWall: number; fullWall: number; quietCpu: number; fullCpu: number; wallOverhead: number; cpuOverhead: number }> {
  const q: Array<{ wall: number; cpu: number }> = [];
  const f: Array<{ wall: number; cpu: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const observed of round % 2 === 0 ? [false, true] : [true, false]) {
      const r = await run(observed);
      (observed ? f : q).push({ wall: r.events / r.wallS, cpu: r.events / r.cpuS });
    }
  }
  const ratio = (k: 'wall' | 'cpu') => median(q.map((x, i) => 1 - f[i][k] / x[k])) * 100;
  return {
    quietWall: median(q.map((x) => x.wall)),
    fullWall: median(f.map((x) => x.wall)),
    quietCpu: median(q.map((x) => x.cpu)),
    fullCpu: median(f.map((x) => x.cpu)),
    wallOverhead: ratio('wall'),
    cpuOverhead: ratio('cpu'),
  };
}

function row(label: string, c: Awaited<ReturnType<typeof compare>>): string {
  return `| ${label} | ${fmt(c.quietWall)} | ${fmt(c.fullWall)} | ${c.wallOverhead.toFixed(1)} % | ${fmt(c.quietCpu)} | ${fmt(c.fullCpu)} | ${c.cpuOverhead.toFixed(1)} % |`;
}

async function endToEnd(): Promise<string> {
  const c = await compare(async (observed) => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-obs-bench-'));
    let unsubscribe = () => {};
    const cpu = process.cpuUsage();
    const r = await observedRun({
      dir,
      scenario: scenarioPath('datalake-1m-per-hour'),
      durationS: 120,
      quiet: !observed,
      ui: observed ? 0 : undefined,
      stream: observed ? nullTty() : undefined,
      onStarted: (obs) => {
        if (obs?.uiUrl) unsubscribe = subscribe(obs.uiUrl);
      },
    });
    const used = cpuS(cpu);
    unsubscribe();
    await rm(dir, { recursive: true, force: true });
    return { events: r.events, wallS: r.wallS, cpuS: used };
  });
  return row('end to end: datalake-1m-per-hour, 120 simulated s, local stack with delivery (--quiet vs view + --ui)', c);
}

async function simulatorHotPath(): Promise<string> {
  const scenario = loadScenario(scenarioPath('datalake-1m-per-hour'));
  const c = await compare(async (observed) => {
    const simulation = createSimulation(scenario);
    let obs: Observability | undefined;
    let unsubscribe = () => {};
    // A null sink that takes readings as bytes, as the producer's sinks do.
    const sink: EventSink = { write: () => undefined, writeTelemetryBytes: () => undefined };
    if (observed) {
      obs = await startObservability({ simulator: true, ui: 0, stream: nullTty() });
      unsubscribe = subscribe(obs.uiUrl!);
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await simulation.run(obs ? obs.wrapSink(sink) : sink, { pace: 'max', durationS: 900 });
    const wallS = (performance.now() - started) / 1000;
    const used = cpuS(cpu);
    unsubscribe();
    await obs?.stop({ report: false });
    return { events: summary.records, wallS, cpuS: used };
  });
  return row('simulator hot path: datalake-1m-per-hour, 900 simulated s, null sink (no tap vs tap + view + --ui)', c);
}

/** The datalake hour: real simulator lines (one per simulated second), producer/gate/delivery at its rate. */
async function datalakeHourSeries(dir: string): Promise<number> {
  const tap = createSimulatorTap({ neighbourhoods: loadNeighbourhoods() });
  const simulation = createSimulation(loadScenario(scenarioPath('datalake-1m-per-hour')));
  const t0 = 1_772_551_800;
  const lines: string[] = [];
  let events = 0;
  const sink = tap.wrap({ write: () => undefined, writeTelemetryBytes: () => undefined });
  let lastS = 0;
  const emit = (s: number) => {
    const t = t0 + s;
    const sim = tap.sample(t);
    const n = Object.values(sim.events).reduce((a, b) => a + b, 0);
    events += n;
    const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'];
    const per = n / shards.length;
    const series: SeriesLine[] = [
      {
        t,
        src: 'producer',
        received: n,
        records: n,
        bytes: n * 420,
        krecs: Math.ceil(n / 120),
        kbytes: n * 425,
        requests: 4,
        throttled: 0,
        retries: 0,
        errors: 0,
        failed: 0,
        expired: 0,
        dropped: 0,
        pending: 40,
        in_flight: 1,
        p50_ms: 30,
        p99_ms: 80,
        shards: Object.fromEntries(shards.map((id) => [id, { records: per, bytes: per * 420, krecs: per / 120, kbytes: per * 425, attempted: per / 120, throttled: 0, errors: 0 }])),
      },
      {
        t,
        src: 'gate',
        requests: 4,
        throttled_requests: 0,
        errors_5xx: 0,
        limits: { records_per_s: 1000, bytes_per_s: 1 << 20 },
        shards: Object.fromEntries(shards.map((id) => [id, { accepted: per / 120, accepted_bytes: per * 425, throttled: 0, throttled_bytes: 0, internal_failures: 0 }])),
      },
      { t, src: 'delivery', read: n, transformed: n, failed: 0, dropped: 0, written: n, objects: s % 60 === 0 ? 40 : 0, pending: n, lag: 10 },
      sim,
    ];
    for (const l of series) lines.push(JSON.stringify(l));
  };
  await simulation.run(sink, {
    pace: 'max',
    durationS: 3600,
    onProgress: (p) => {
      while (lastS < Math.floor(p.simulatedS)) emit(++lastS);
    },
  });
  await writeFile(join(dir, 'series.ndjson'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'summary.json'), JSON.stringify({ schema: 'sdfleet-run-summary/1', scenario: 'datalake-1m-per-hour', records: { generated: events, acked: events }, verdict: 'ok', verdict_reasons: [] }));
  return events;
}

async function reportCost(label: string, dir: string): Promise<string> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    bytes = (await writeReport(dir)).bytes;
    times.push(performance.now() - started);
  }
  const series = (await stat(join(dir, 'series.ndjson'))).size;
  return `| ${label} | ${size(series)} | ${size(bytes)} | ${fmt(median(times))} ms |`;
}

const rows = [await endToEnd(), await simulatorHotPath()];

const demoDir = await mkdtemp(join(tmpdir(), 'sdfleet-obs-bench-demo-'));
await observedRun({ dir: demoDir, durationS: 600, quiet: true });
const hourDir = await mkdtemp(join(tmpdir(), 'sdfleet-obs-bench-hour-'));
const hourEvents = await datalakeHourSeries(hourDir);
const reports = [await reportCost('demo (40 vehicles, 600 simulated s, real run)', demoDir), await reportCost(`datalake-1m-per-hour, 1 hour (${fmt(hourEvents)} events; simulator lines real, others synthesised)`, hourDir)];
await rm(demoDir, { recursive: true, force: true });
await rm(hourDir, { recursive: true, force: true });

console.log(`## observe

The cost of the per-second series, the live terminal view and the \`--ui\` dashboard (one SSE subscriber connected),
${ROUNDS} paired rounds in alternating order; overhead is the median of the per-round ratios. Goal: at most 3 % fewer
events/s than with \`--quiet\`. Events per CPU-second of the process is the steadier figure on this shared machine
(everything, kinesalite included, runs in the one process); wall-clock events/s moves with the other agents' load.

| run | events/s, reference | events/s, observed | overhead (wall) | events/CPU-s, reference | events/CPU-s, observed | overhead (CPU) |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

report.html (self-contained: inline uPlot ${fmt(51_081 / 1024)} KiB, the San Diego map about 97 KiB, the model as JSON), median of 3 writes:

| run | series.ndjson | report.html | generation time |
|---|---:|---:|---:|
${reports.join('\n')}`);
