import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../common/user-error.js';
import { writeReport } from '../../observe/report.js';
import { launchBrowser } from './browser.js';
import { observedRun } from './observed-run.js';

// A real run (simulator → producer → gate → kinesalite → delivery) with the recorder on, then the
// report it wrote, opened in Debian's chromium with every request intercepted.
let dir: string;
const artifacts = join(import.meta.dirname, 'artifacts');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-report-'));
  await observedRun({ dir, durationS: 300, quiet: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Drawn {
  charts: Array<{ id: string; points: number; x: number }>;
  map: { tracks: number; points: number; outside: number } | null;
  updates: number;
}

describe('report.html', () => {
  it('loads offline with every chart, the map tracks inside the city and no console errors', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      const failed: string[] = [];
      const errors: string[] = [];
      await page.route('**/*', (route) => {
        requests.push(route.request().url());
        return route.request().url().startsWith('file://') ? route.continue() : route.abort();
      });
      page.on('requestfailed', (r) => failed.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${join(dir, 'report.html')}`);
      await page.waitForFunction(() => (globalThis as unknown as { sdfleet?: Drawn }).sdfleet?.updates === 1);
      const drawn = (await page.evaluate(() => (globalThis as unknown as { sdfleet: Drawn }).sdfleet)) as Drawn;

      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      expect(requests).toHaveLength(1); // the page itself: everything else is inline
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
      expect(drawn.charts.map((c) => c.id)).toEqual(['records', 'bytes', 'throttles', 'latency', 'delivery', 'events']);
      for (const chart of drawn.charts) expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(await page.locator('.uplot canvas').count()).toBe(6);
      expect(drawn.map!.tracks).toBeGreaterThan(3);
      expect(drawn.map!.points).toBeGreaterThan(50);
      expect(drawn.map!.outside).toBe(0);
      await expect(page.locator('h2', { hasText: 'Verdict' }).textContent()).resolves.toContain('OK');
      await expect(page.locator('#co2-class .bar').count()).resolves.toBeGreaterThan(2);
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      expect((await stat(join(artifacts, 'report.png'))).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });

  it('holds its own chart library and map, and is small', async () => {
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).toContain('uPlot');
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
  });

  it('`sdfleet report <run-dir>` rebuilds it from summary.json and series.ndjson', async () => {
    await rm(join(dir, 'report.html'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/sdfleet.ts', 'report', dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Wrote .*report\.html \(\d+ KiB from \d+ series lines\)\.\n$/);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('sdfleet report · demo');
  });

  it('names a folder that is not a run folder as a user error (one line, exit 2)', async () => {
    const err = await writeReport(join(dir, 'lake')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toBe(`run-dir: holds neither summary.json nor series.ndjson (got "${join(dir, 'lake')}")`);
  });
});
