import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeriesLine } from '../../observe/series-line.js';

// `sdfleet run` end to end with observability: the series and report.html in the run folder, EMF to a file.
describe('sdfleet run with observe/', () => {
  it('keeps series.ndjson and report.html in the run folder and writes EMF with --metrics emf=FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-run-observe-'));
    try {
      const runDir = join(dir, 'run');
      const emf = join(dir, 'emf.ndjson');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/sdfleet.ts', 'run', '--scenario', 'demo', '--max-records', '600', '--dir', runDir, '--quiet', '--metrics', `emf=${emf}`, '--json'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as { verdict: string; records: { acked: number } };
      expect(summary).toMatchObject({ verdict: 'ok', records: { acked: 600 } });
      expect(run.stderr).toContain(`• report: ${join(runDir, 'report.html')}`);

      const lines = (await readFile(join(runDir, 'series.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as SeriesLine);
      expect(new Set(lines.map((l) => l.src))).toEqual(new Set(['producer', 'gate', 'delivery', 'simulator']));
      const sum = (src: SeriesLine['src'], pick: (l: SeriesLine) => number) => lines.filter((l) => l.src === src).reduce((s, l) => s + pick(l), 0);
      expect(sum('producer', (l) => (l as Extract<SeriesLine, { src: 'producer' }>).records)).toBe(600);
      expect(sum('simulator', (l) => Object.values((l as Extract<SeriesLine, { src: 'simulator' }>).events).reduce((a, b) => a + b, 0))).toBe(600);
      expect(sum('delivery', (l) => (l as Extract<SeriesLine, { src: 'delivery' }>).read)).toBe(600);

      const html = await readFile(join(runDir, 'report.html'), 'utf8');
      expect(html).toContain('Verdict: <span class="ok">OK</span>');

      const metrics = (await readFile(emf, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const put = metrics.filter((m) => m.ShardId === undefined && typeof m.UserRecordsPut === 'number').reduce((s, m) => s + (m.UserRecordsPut as number), 0);
      expect(put).toBe(600);
      expect(metrics.every((m) => m.StreamName === 'sdfleet-demo')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
