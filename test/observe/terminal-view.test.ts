import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObservability } from '../../observe/observability.js';
import { RunModel } from '../../observe/run-model.js';
import { createProgressLines } from '../../observe/terminal-view.js';

// The live view in a real pseudo-terminal (util-linux `script`), on a real run with a gate and faults.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-view-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const zeroRequests = { putRequests: 0, throttledRequests: 0, error500: 0, error503: 0, dropped: 0, hung: 0, delayed: 0 };
const ERASE_TO_START = '\u001b[G'; // log-update ends its erase of the previous frame with this

describe('terminal view', () => {
  it('draws one row per shard with bars against the limit, counters, latency and lag, redrawn in place', () => {
    const started = Date.now();
    const run = spawnSync('script', ['-qfec', `stty rows 40 cols 160; ${process.execPath} --import tsx test/observe/observed-run.ts ${dir} 600`, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '160', LINES: '40' },
      timeout: 120_000,
    });
    const wallS = (Date.now() - started) / 1000;
    expect(run.status, run.stdout).toBe(0);
    const frames = run.stdout.split(ERASE_TO_START).map(stripAnsi).filter((f) => f.includes('records/s (limit'));
    expect(frames.length).toBeGreaterThanOrEqual(2); // it redraws…
    expect(frames.length).toBeLessThanOrEqual(2 * wallS + 2); // …at most twice a second
    const screen = frames[frames.length - 1].split(/\r?\n/);
    expect(screen[0]).toMatch(/^sdfleet observed-run · \d+ s/);
    expect(screen[1]).toMatch(/^shard +records\/s \(limit 1000\) +MiB\/s \(limit 1\.00\) +acked +throttled +retried$/);
    const rows = screen.filter((l) => l.startsWith('shardId-'));
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    for (const row of rows) expect(row).toMatch(/^shardId-\d+ +[█░]{20} +[\d,]+ +[█░]{20} +\d+\.\d\d +[\d,]+ +[\d,]+ +[\d,]+$/);
    const [, events, acked] = /observed-run: (\d+) events, (\d+) acked/.exec(run.stdout) ?? [];
    expect(acked).toBe(events);
    const total = screen.find((l) => l.startsWith('total'));
    expect(total).toContain(`acked ${Number(acked).toLocaleString('en-US')} · `);
    expect(total).toMatch(/acked [\d,]+ · failed 0 · expired 0 events · throttled \d+ · retried \d+ Kinesis records · in-flight \d+ · p50 (\d+ ms|–) · p99 (\d+ ms|–) · delivery lag \d+/);
    // A phase line written during the view stays on screen once, above the frame.
    expect(stripAnsi(run.stdout).match(/• delivering/g)).toHaveLength(1);
  });

  it('off a TTY, and with --quiet, draws no frames', async () => {
    for (const quiet of [false, true]) {
      const out = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
      let text = '';
      out.on('data', (b: Buffer) => (text += b.toString()));
      const obs = await startObservability({ gate: { accounting: () => ({ shards: [], requests: { totals: zeroRequests, seconds: [] }, totals: { ...zeroRequests, acceptedRecords: 0, acceptedBytes: 0, throttledRecords: 0, throttledBytes: 0, internalFailures: 0 } }) }, quiet, stream: out, intervalMs: 20 });
      await new Promise((r) => setTimeout(r, 100));
      await obs.stop();
      expect(text).toBe(''); // no frame and no escape codes; the first progress line comes after 10 s
    }
  });

  it('off a TTY prints one progress line every 10 s', () => {
    let now = 0;
    const out = new PassThrough();
    let text = '';
    out.on('data', (b: Buffer) => (text += b.toString()));
    const model = new RunModel();
    const view = createProgressLines(out, model, 'sdfleet', 10_000, () => now);
    const line = (t: number) => ({ t, src: 'gate' as const, requests: 1, throttled_requests: 0, errors_5xx: 0, limits: { records_per_s: 1000, bytes_per_s: 1 << 20 }, shards: { 'shardId-0': { accepted: 100, accepted_bytes: 1000, throttled: 2, throttled_bytes: 20, internal_failures: 0 } } });
    for (let s = 1; s <= 25; s++) {
      now = s * 1000;
      model.add(line(s));
      view.update();
    }
    expect(text.split('\n').filter(Boolean)).toEqual(['sdfleet 10 s: accepted 1,000 · throttled 20', 'sdfleet 20 s: accepted 2,000 · throttled 40']);
  });
});
