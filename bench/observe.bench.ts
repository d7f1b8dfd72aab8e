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

const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
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

async function endToEnd(): Promise<string[]> {
  const quiet: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? ['quiet', 'full'] : ['full', 'quiet']) {
      const dir = await mkdtemp(join(tmpdir(), 'sdfleet-obs-bench-'));
      let unsubscribe = () => {};
      const r = await observedRun({
        dir,
        scenario: scenarioPath('datalake-1m-per-hour'),
        durationS: 120,
        quiet: mode === 'quiet',
        ui: mode === 'full' ? 0 : undefined,
        stream: mode === 'full' ? nullTty() : undefined,
        onStarted: (obs) => {
          if (obs?.uiUrl) unsubscribe = subscribe(obs.uiUrl);
        },
      });
      unsubscribe();
      (mode === 'quiet' ? quiet : full).push(r.events / r.wallS);
      await rm(dir, { recursive: true, force: true });
    }
  }
  const q = median(quiet);
  const f = median(full);
  return [
    `| end to end, datalake scenario for 120 simulated s, local stack with delivery | ${fmt(q)} | ${fmt(f)} | ${((1 - f / q) * 100).toFixed(1)} % |`,
  ];
}

async function simulatorHotPath(): Promise<string> {
  const scenario = loadScenario(scenarioPath('datalake-1m-per-hour'));
  const run = async (observe: boolean): Promise<number> => {
    const simulation = createSimulation(scenario);
    let obs: Observability | undefined;
    let unsubscribe = () => {};
    const sink: EventSink = { write: () => undefined, writeTelemetry: () => undefined };
    if (observe) {
      obs = await startObservability({ simulator: true, ui: 0, stream: nullTty() });
      unsubscribe = subscribe(obs.uiUrl!);
    }
    const started = performance.now();
    const summary = await simulation.run(obs ? obs.wrapSink(sink) : sink, { pace: 'max', durationS: 300 });
    const events = summary.records / ((performance.now() - started) / 1000);
    unsubscribe();
    await obs?.stop({ report: false });
    return events;
  };
  const bare: number[] = [];
  const observed: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      bare.push(await run(false));
      observed.push(await run(true));
    } else {
      observed.push(await run(true));
      bare.push(await run(false));
    }
  }
  const b = median(bare);
  const o = median(observed);
  return `| simulator hot path, datalake scenario, null sink (no tap vs tap + view + --ui) | ${fmt(b)} | ${fmt(o)} | ${((1 - o / b) * 100).toFixed(1)} % |`;
}

/** The datalake hour: real simulator lines (one per simulated second), producer/gate/delivery at its rate. */
async function datalakeHourSeries(dir: string): Promise<number> {
  const tap = createSimulatorTap({ neighbourhoods: loadNeighbourhoods() });
  const simulation = createSimulation(loadScenario(scenarioPath('datalake-1m-per-hour')));
  const t0 = 1_772_551_800;
  const lines: string[] = [];
  let events = 0;
  const sink = tap.wrap({ write: () => undefined, writeTelemetry: () => undefined });
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
  return `| ${label} | ${(series / 2 ** 20).toFixed(1)} MiB | ${(bytes / 2 ** 20).toFixed(2)} MiB | ${fmt(median(times))} ms |`;
}

const rows = await endToEnd();
rows.push(await simulatorHotPath());

const demoDir = await mkdtemp(join(tmpdir(), 'sdfleet-obs-bench-demo-'));
await observedRun({ dir: demoDir, durationS: 600, quiet: true });
const hourDir = await mkdtemp(join(tmpdir(), 'sdfleet-obs-bench-hour-'));
const hourEvents = await datalakeHourSeries(hourDir);
const reports = [await reportCost('demo (40 vehicles, 600 simulated s, real run)', demoDir), await reportCost(`datalake-1m-per-hour, 1 hour (${fmt(hourEvents)} events; simulator lines real, others synthesised)`, hourDir)];
await rm(demoDir, { recursive: true, force: true });
await rm(hourDir, { recursive: true, force: true });

console.log(`## observe

The cost of the per-second series, the live terminal view and the \`--ui\` dashboard (one SSE subscriber connected),
median of ${ROUNDS} alternating runs each. Goal: at most 3 % fewer events/s than with \`--quiet\`.

| run | events/s, --quiet (series only) or no tap | events/s, view + --ui | overhead |
|---|---:|---:|---:|
${rows.join('\n')}

report.html (self-contained: inline uPlot ${fmt(51_081 / 1024)} KiB, the San Diego map about 97 KiB, the model as JSON), median of 3 writes:

| run | series.ndjson | report.html | generation time |
|---|---:|---:|---:|
${reports.join('\n')}`);
