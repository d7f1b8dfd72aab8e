// The one wiring site of observe/: the per-second recorder over whatever sources a command has
// (producer, gate, delivery, simulator), the live terminal view or progress lines, the `--ui`
// dashboard, EMF metrics, and report.html when the run ends.
import { join } from 'node:path';
import type { EventSink } from '../simulator/index.js';
import { loadNeighbourhoods } from './city-map.js';
import { startDashboard, type Dashboard } from './dashboard-server.js';
import { createDeliverySampler, type ObservedDelivery } from './delivery-sampler.js';
import { createEmfWriter, type EmfWriter } from './emf.js';
import { createGateSampler, gateAtUrl, type ObservedGate } from './gate-sampler.js';
import type { SummaryLike } from './page-html.js';
import { createProducerSampler, type ObservedProducer } from './producer-sampler.js';
import { startRecorder, type Sampler } from './recorder.js';
import { SERIES_FILE, writeReport, type WrittenReport } from './report.js';
import { RunModel } from './run-model.js';
import { createSimulatorTap, type SimulatorTap } from './simulator-tap.js';
import { createProgressLines, createTerminalView, progressLine, type LiveView } from './terminal-view.js';

export interface ObservabilityOptions {
  /** Run folder: series.ndjson goes here while running, report.html at stop. None: memory only. */
  runDir?: string;
  title?: string;
  producer?: ObservedProducer;
  /** Name for EMF's StreamName dimension. */
  streamName?: string;
  gate?: ObservedGate;
  /** The gate of another process, e.g. `http://127.0.0.1:4567/_sdfleet/accounting`. */
  gateAccountingUrl?: string;
  delivery?: ObservedDelivery;
  /** Watch the events: wrap the simulator's sink with `wrapSink`, or feed records to `tapRecord`; or a tap already fed. */
  simulator?: boolean | SimulatorTap;
  /** Dashboard port (0 = any free port); undefined = no dashboard. */
  ui?: number;
  /** No terminal view and no progress lines. */
  quiet?: boolean;
  /** `--metrics emf[=file]`. */
  emf?: { file?: string };
  /** Where the view goes (stderr): a TTY gets the live view, anything else a line every 10 s. */
  stream?: NodeJS.WriteStream;
  /** Seconds per tick of the view and the series (1000). */
  intervalMs?: number;
}

export interface Observability {
  /** The dashboard's address when `ui` was set. */
  readonly uiUrl?: string;
  readonly model: RunModel;
  /** Forwards every event to `sink` and counts it; a no-op wrapper without `simulator`. */
  wrapSink(sink: EventSink): EventSink;
  /** The same, for a runner that hands over each record as JSON (`handle.tap(obs.tapRecord)`). */
  tapRecord(vehicleId: string, seq: number, json: string): void;
  /** A message line on the view's stream (stderr) that does not tear the live frame. */
  note(line: string): void;
  /** Last sample, final frame, closes the dashboard and files; writes report.html into runDir. */
  stop(final?: { summary?: SummaryLike; report?: boolean }): Promise<{ report?: WrittenReport }>;
}

export async function startObservability(options: ObservabilityOptions): Promise<Observability> {
  const model = new RunModel({ maxPoints: 600, maxTrackPoints: 15_000 });
  const title = options.title ?? 'sdfleet';
  const samplers: Sampler[] = [];
  if (options.producer) samplers.push(createProducerSampler(options.producer));
  const gate = options.gate ?? (options.gateAccountingUrl ? gateAtUrl(options.gateAccountingUrl) : undefined);
  if (gate) samplers.push(createGateSampler(gate));
  if (options.delivery) {
    const producer = options.producer;
    samplers.push(createDeliverySampler(options.delivery, producer ? () => producer.metrics().stream.UserRecordsPut : undefined));
  }
  const tap = options.simulator === true ? createSimulatorTap({ neighbourhoods: loadNeighbourhoods() }) : options.simulator || undefined;
  if (tap) samplers.push((t) => tap.sample(t));

  const stream = options.stream ?? process.stderr;
  let view: LiveView | undefined;
  // A pseudo-terminal nobody sized (0 rows) would show nothing at all: it gets the progress lines.
  const screen = stream.isTTY && stream.rows !== 0 && stream.columns !== 0;
  if (!options.quiet) view = screen ? createTerminalView(stream, model, title) : createProgressLines(stream, model, title);
  let dashboard: Dashboard | undefined;
  if (options.ui !== undefined) {
    dashboard = await startDashboard({ port: options.ui, title: `${title} · live`, model: () => model.page() });
    stream.write(`sdfleet: live dashboard at ${dashboard.url}\n`);
  }
  const emf: EmfWriter | undefined = options.emf ? createEmfWriter(options.streamName ?? 'sdfleet', options.emf.file) : undefined;
  const started = Date.now();

  const recorder = startRecorder({
    samplers,
    model,
    seriesPath: options.runDir ? join(options.runDir, SERIES_FILE) : undefined,
    intervalMs: options.intervalMs,
    onTick(lines) {
      view?.update();
      if (dashboard) dashboard.push(model.page(), progressLine(model, (Date.now() - started) / 1000, title));
      if (emf) for (const line of lines) if (line.src === 'producer') emf.write(line);
    },
  });

  return {
    uiUrl: dashboard?.url,
    model,
    wrapSink: (sink) => (tap ? tap.wrap(sink) : sink),
    tapRecord: (vehicleId, seq, json) => tap?.record(vehicleId, seq, json),
    note: (line) => (view ? view.note(line) : stream.write(`${line}\n`)),
    async stop(final = {}) {
      await recorder.stop();
      view?.stop();
      await dashboard?.close();
      await emf?.close();
      if (!options.runDir || final.report === false) return {};
      return { report: await writeReport(options.runDir, { summary: final.summary }) };
    },
  };
}
