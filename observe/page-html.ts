// One self-contained HTML page for both the live dashboard and report.html: inline CSS, inline
// uPlot, the inline page script and the model as JSON. Nothing is fetched from the network.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CityMap } from './city-map.js';
import { PAGE_SCRIPT } from './page-script.js';
import type { PageModel } from './run-model.js';

/** The run summary (`sdfleet-run-summary/1`), read loosely so a report draws whatever fields it finds. */
export type SummaryLike = Record<string, unknown>;

export interface PageInput {
  title: string;
  model: PageModel;
  map: CityMap;
  /** Live pages subscribe to `/events`. */
  live: boolean;
  summary?: SummaryLike;
}

let uplot: { js: string; css: string } | undefined;

/** uPlot 1.6 (MIT): about 50 KB minified, canvas-based and fast with thousands of points. */
export function uplotAssets(): { js: string; css: string } {
  if (uplot) return uplot;
  const dist = join(dirname(createRequire(import.meta.url).resolve('uplot')), '..', 'dist');
  uplot = { js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8') };
  return uplot;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script>: `<` escaped so no `</script>` can end it early. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');
/** Inline code inside <script>/<style>: the same guard for any `</` in the library text. */
const inline = (code: string): string => code.replace(/<\/(script|style)/gi, '<\\/$1');

function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return escapeHtml(Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000));
  if (typeof v === 'object') return escapeHtml(JSON.stringify(v));
  return escapeHtml(String(v));
}

function table(rows: Array<[string, unknown]>): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`).join('')}</table>`;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** The verdict: producer side and lake side reconciled, as in the terminal table. */
function verdictSection(s: SummaryLike): string {
  const records = obj(s.records);
  const lake = s.lake ? obj(s.lake) : undefined;
  const latency = obj(s.latency_ms);
  const ok = s.verdict === 'ok';
  const reasons = Array.isArray(s.verdict_reasons) ? (s.verdict_reasons as unknown[]).map(String) : [];
  const producerRows: Array<[string, unknown]> = [
    ['generated', records.generated],
    ['attempted', records.attempted],
    ['acknowledged', records.acked],
    ['failed', records.failed],
    ['expired', records.expired],
    ['dropped', records.dropped],
    ['throttled attempts', s.throttled_attempts],
    ['retries', s.retries],
  ];
  const lakeRows: Array<[string, unknown]> = lake
    ? [
        ['delivered', lake.delivered],
        ['missing', lake.missing],
        ['duplicates', lake.duplicates],
        ['processing failed', lake.processing_failed],
        ['unreadable', lake.unreadable],
      ]
    : [['lake', 'not reachable for this target']];
  const shards = Array.isArray(s.shards) ? (s.shards as Array<Record<string, unknown>>) : [];
  const shardTable = shards.length
    ? `<table class="grid"><tr><th>shard</th><th>records</th><th>bytes</th><th>utilization</th></tr>${shards
        .map((sh) => `<tr><td>${cell(sh.id)}</td><td>${cell(sh.records)}</td><td>${cell(sh.bytes)}</td><td>${typeof sh.utilization === 'number' ? `${Math.round(sh.utilization * 100)} %` : cell(sh.utilization)}</td></tr>`)
        .join('')}</table>`
    : '';
  const failedBy = Object.entries(obj(s.failed_by_reason));
  return `<section><h2>Verdict: <span class="${ok ? 'ok' : 'bad'}">${ok ? 'OK' : escapeHtml(String(s.verdict ?? 'unknown')).toUpperCase()}</span>${s.interrupted ? ' (interrupted)' : ''}</h2>
${reasons.length ? `<ul class="reasons">${reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : ''}
<div class="cols"><div><h3>Producer</h3>${table(producerRows)}</div><div><h3>Lake</h3>${table(lakeRows)}</div>
<div><h3>Latency (ms)</h3>${table([['p50', latency.p50], ['p90', latency.p90], ['p99', latency.p99], ['max', latency.max]])}
<h3>Rate (events/s)</h3>${table([['target', obj(s.rate).target], ['achieved', obj(s.rate).achieved]])}</div></div>
${failedBy.length ? `<h3>Failed by reason</h3>${table(failedBy)}` : ''}${shardTable ? `<h3>Shards</h3>${shardTable}` : ''}</section>`;
}

function configSection(s: SummaryLike): string {
  const target = obj(s.target);
  const worker = s.worker ? obj(s.worker) : undefined;
  const rows: Array<[string, unknown]> = [
    ['scenario', s.scenario],
    ['seed', s.seed],
    ['target', target.kind],
    ['stream', target.stream],
    ['region', target.region],
    ['endpoint', target.endpoint],
    ['path', target.path],
    ['worker', worker ? `${String(worker.index)}/${String(worker.count)}` : undefined],
    ['started', s.started_at],
    ['ended', s.ended_at],
    ['duration (s)', s.duration_s],
    ['sdfleet version', s.version],
  ];
  return `<section><h2>Scenario and configuration</h2>${table(rows.filter(([, v]) => v !== undefined && v !== null))}</section>`;
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#123;color:#fff;padding:10px 20px}header h1{margin:0;font-size:18px}#status{font-size:12px;opacity:.8}
main{padding:10px 20px;max-width:1200px}section{background:#fff;border:1px solid #ddd;border-radius:4px;padding:10px 14px;margin:10px 0}
h2{font-size:16px;margin:4px 0 8px}h3{font-size:13px;margin:8px 0 4px;color:#555}
table{border-collapse:collapse;font-size:13px}th{text-align:left;font-weight:500;color:#555;padding:2px 12px 2px 0}td{padding:2px 8px;font-variant-numeric:tabular-nums}
table.grid td,table.grid th{border-bottom:1px solid #eee}.cols{display:flex;flex-wrap:wrap;gap:32px}
.ok{color:#1a7f37}.bad{color:#cf222e}.reasons{color:#cf222e;margin:0 0 6px}
.chart{margin:6px 0}#map{width:100%;max-width:900px;border:1px solid #ccc;display:block}
#map-legend span{margin-right:12px;font-size:12px}#map-legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.bars{display:flex;flex-wrap:wrap;gap:24px}.bars>div{flex:1;min-width:280px}
.bar{display:grid;grid-template-columns:170px 1fr 80px;align-items:center;gap:6px;font-size:12px;margin:2px 0}
.bar b{display:block;height:12px;background:#4c78a8;border-radius:2px}.bar em{font-style:normal;text-align:right;font-variant-numeric:tabular-nums}
`;

export function renderPage(input: PageInput): string {
  const { js, css } = uplotAssets();
  const s = input.summary;
  const data = { model: input.model, map: input.map, live: input.live };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${inline(css)}${CSS}</style></head>
<body><header><h1>${escapeHtml(input.title)}</h1><div id="status">${input.live ? 'connecting…' : `report written ${escapeHtml(new Date().toISOString())}`}</div></header>
<main>
${s ? verdictSection(s) + configSection(s) : ''}
<section><h2>Over the run</h2><div id="charts"></div></section>
<section><h2>The fleet on the map</h2><canvas id="map" width="900" height="900"></canvas><div id="map-legend"></div>
<p class="note">City boundary (City of San Diego), freeways (Caltrans) and central arterials (© OpenStreetMap contributors, ODbL); tracks are sampled readings per vehicle, thinned on long runs.</p></section>
<section><h2>Emissions and events</h2><div class="bars"><div><h3>CO2 by vehicle class (estimated from sampled readings)</h3><div id="co2-class"></div></div>
<div><h3>CO2 by neighbourhood (nearest centre)</h3><div id="co2-area"></div></div><div><h3>Events by type</h3><div id="event-types"></div></div></div></section>
</main>
<script id="sdfleet-data" type="application/json">${scriptJson(data)}</script>
<script>${inline(js)}</script>
<script>${inline(PAGE_SCRIPT)}</script>
</body></html>
`;
}
