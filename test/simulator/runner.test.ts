// Pacing and control: backpressure from the sink, abort, the Los Angeles clock, and the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocalStart } from '../../simulator/clock.js';
import { createSimulation, loadScenario } from '../../simulator/index.js';

const demo = () => createSimulation(loadScenario('scenarios/demo.yaml'));

describe('runner', () => {
  it('waits for the sink: nothing is written while a write is pending', async () => {
    let pending = false;
    let writesWhilePending = 0;
    let n = 0;
    const summary = await demo().run(
      {
        write() {
          if (pending) writesWhilePending++;
          if (++n % 50 !== 0) return undefined;
          pending = true;
          return new Promise<void>((resolve) =>
            setTimeout(() => {
              pending = false;
              resolve();
            }, 1),
          );
        },
      },
      { pace: 'max', durationS: 120 },
    );
    expect(writesWhilePending).toBe(0);
    expect(summary.records).toBe(n);
    expect(n).toBeGreaterThan(200);
  });

  it('stops on abort and reports it', async () => {
    const abort = new AbortController();
    let n = 0;
    const summary = await demo().run(
      {
        write() {
          if (++n === 300) abort.abort();
        },
      },
      { pace: 'accelerated', speedup: 1000, durationS: 3600, signal: abort.signal },
    );
    expect(summary.stoppedBy).toBe('aborted');
    expect(summary.simulatedS).toBeLessThan(3600);
    expect(summary.records).toBe(n);
  });

  it('reads scenario start times as America/Los_Angeles wall time (DST aware)', () => {
    expect(new Date(parseLocalStart('2026-01-15T08:00')).toISOString()).toBe('2026-01-15T16:00:00.000Z');
    expect(new Date(parseLocalStart('2026-07-01T08:00:00')).toISOString()).toBe('2026-07-01T15:00:00.000Z');
  });
});

describe('sdfleet simulate', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/sdfleet.ts', 'simulate', ...args], { encoding: 'utf8' });

  it('writes NDJSON to a file and names bad flags and scenario fields', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sdfleet-sim-')), 'events.ndjson');
    const ok = cli('--scenario', 'scenarios/demo.yaml', '--max-records', '500', '--out', out, '--json');
    expect(ok.status, ok.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines[0]).seq).toBe(1);
    expect(JSON.parse(ok.stderr.trim().split('\n').pop() ?? '{}').records).toBe(500);

    const badWorker = cli('--scenario', 'scenarios/demo.yaml', '--worker', '4/4');
    expect(badWorker.status).toBe(2);
    expect(badWorker.stderr).toContain('--worker');
    const badPace = cli('--scenario', 'scenarios/demo.yaml', '--pace', 'warp');
    expect(badPace.status).toBe(2);
    expect(badPace.stderr).toContain('--pace');
  });
});
