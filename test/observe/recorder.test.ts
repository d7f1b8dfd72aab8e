import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRecorder } from '../../observe/recorder.js';
import { RunModel } from '../../observe/run-model.js';
import type { DeliveryLine } from '../../observe/series-line.js';

describe('recorder', () => {
  it('writes one line per source per tick to series.ndjson, seconds strictly increasing, and a last one at stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-recorder-'));
    try {
      let clock = 1_000_000;
      const model = new RunModel();
      let read = 0;
      const sampler = (t: number): DeliveryLine => ({ t, src: 'delivery', read: ++read, transformed: 0, failed: 0, dropped: 0, written: 0, objects: 0, pending: 0, lag: null });
      const failing = () => {
        throw new Error('source down');
      };
      const errors: unknown[] = [];
      const recorder = startRecorder({
        samplers: [sampler],
        model,
        seriesPath: join(dir, 'series.ndjson'),
        intervalMs: 5,
        now: () => (clock += 300), // ticks closer than a second apart
        onError: (e) => errors.push(e),
      });
      await new Promise((r) => setTimeout(r, 100));
      await recorder.stop();
      const lines = (await readFile(join(dir, 'series.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as DeliveryLine);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines.map((l) => l.read)).toEqual(lines.map((_, i) => i + 1));
      expect(lines.every((l, i) => i === 0 || l.t > lines[i - 1].t)).toBe(true);
      expect(model.totals.delivery.read).toBe(lines.reduce((s, l) => s + l.read, 0));
      expect(errors).toEqual([]);

      // A source that throws costs its second, not the run.
      const broken = startRecorder({ samplers: [failing], model: new RunModel(), intervalMs: 5, onError: (e) => errors.push(e) });
      await new Promise((r) => setTimeout(r, 30));
      await broken.stop();
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
