import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { AckLedger } from '../../pipeline/lake/acks.js';
import type { GateAccounting } from '../../pipeline/stream/accounting.js';
import type { LocalTarget } from '../../runner/local-target.js';
import { startRun, type RunHandle, type RunResult } from '../../runner/run.js';
import { readScenario, scenarioSource } from '../../runner/scenario-source.js';

// The `npm start` path: simulator → producer → gate (with faults) → kinesalite → delivery → lake → verify.
describe('end-to-end run (the demo path, run --target local)', () => {
  let dir: string;
  let handle: RunHandle;
  let result: RunResult;
  let gate: GateAccounting;

  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'sdfleet-run-')), 'run');
    // Exactly the scenario `npm start` runs, with more faults so retries are certain.
    const source = scenarioSource(readScenario('scenarios/demo.yaml'), { useScenarioStop: true });
    handle = await startRun({
      source,
      target: { kind: 'local', shardCount: 2, faults: { seed: 7, internalFailureRate: 0.2 } },
      pacing: { shape: { shape: 'max' } },
      timestamps: 'simulated',
      dir,
      worker: null,
      logger: silentLogger,
    });
    result = await handle.done;
    gate = (handle.target as LocalTarget).stream.accounting();
  }, 180_000);
  afterAll(async () => rm(join(dir, '..'), { recursive: true, force: true }));

  it('every simulated event is acknowledged and lands in the lake exactly once', () => {
    const { records, lake } = result.summary;
    expect(records.generated).toBeGreaterThan(1000);
    expect(records).toMatchObject({ attempted: records.generated, acked: records.generated, failed: 0, expired: 0, dropped: 0 });
    expect(handle.delivery!.stats().read).toBeGreaterThanOrEqual(records.generated);
    expect(result.lake!.verify).toMatchObject({ uniqueEvents: records.generated, missing: 0, processingFailed: 0, ok: true });
    expect(result.lake!.verify.producer?.ackedPresent).toBe(records.generated);
    expect(lake).toMatchObject({ delivered: records.generated, missing: 0, duplicates: 0, processing_failed: 0 });
    expect(result.summary).toMatchObject({ verdict: 'ok', verdict_reasons: [], interrupted: false });
  });

  it('the injected faults really happened and were retried', () => {
    expect(gate.totals.internalFailures).toBeGreaterThan(0);
    expect((handle.producer!.metrics().stream.ErrorsByCode as Record<string, number>).InternalFailure).toBeGreaterThan(0);
    expect(result.summary.retries).toBeGreaterThan(0);
  });

  it('writes a reloadable ack ledger and a queryable lake', async () => {
    const ledger = await AckLedger.load(join(dir, 'acks.json'));
    expect(ledger.totals().acked).toBe(result.summary.records.generated);
    const telemetry = result.lake!.telemetryByClass.rows.reduce((n, row) => n + Number(row[1]), 0);
    expect(telemetry).toBeGreaterThan(0);
    expect(result.lake!.topEventTypes.rows.map((r) => r[0])).toContain('vehicle');
  });
});
