import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { AckLedger } from '../../pipeline/lake/acks.js';
import type { GateAccounting } from '../../pipeline/stream/accounting.js';
import { localTarget, type LocalTarget } from '../../runner/local-target.js';
import { Outcomes } from '../../runner/outcomes.js';
import { startRun, type RunHandle, type RunOptions, type RunResult } from '../../runner/run.js';
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

describe('run --target local, the edges', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-edges-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  const local = (sub: string): Pick<RunOptions, 'target' | 'pacing' | 'timestamps' | 'dir' | 'worker' | 'logger'> => ({
    target: { kind: 'local', shardCount: 1 },
    pacing: { shape: { shape: 'max' } },
    timestamps: 'simulated',
    dir: join(dir, sub),
    worker: null,
    logger: silentLogger,
  });

  it('a tiny fleet (4 vehicles, 1 s: no EV, hardly any telemetry) gets a full report', async () => {
    const scenario = join(dir, 'tiny.yaml');
    await writeFile(scenario, 'name: tiny\nfleet: {vehicles: 4}\n');
    const handle = await startRun({ ...local('tiny'), source: scenarioSource(readScenario(scenario), { durationS: 1, useScenarioStop: true }) });
    const { summary, lake } = await handle.done;
    expect(summary).toMatchObject({ verdict: 'ok', lake: { missing: 0, delivered: summary.records.acked } });
    expect(lake!.telemetryByClass.columns).toContain('co2_kg');
  }, 60_000);

  it('a failing source still flushes and shuts the stack down', async () => {
    const source = {
      name: 'broken',
      seed: null,
      startHour: 0,
      async run(emit: (v: string, s: number, json: string) => void | Promise<void>) {
        for (let seq = 1; seq <= 20; seq++) await emit('veh-1', seq, JSON.stringify({ event_uuid: `u${seq}`, event_name: 'x', created_at: 1_780_000_000, vehicle_id: 'veh-1', seq }));
        throw new Error('source broke');
      },
    };
    const handle = await startRun({ ...local('broken'), source });
    await expect(handle.done).rejects.toThrow('source broke');
    expect(handle.counters().acked).toBe(20);
    await expect(fetch(handle.gateAccountingUrl!)).rejects.toThrow();
  }, 60_000);

  it('a delivery that does not catch up in time says so', async () => {
    const target = await localTarget({ dir: join(dir, 'slow'), shardCount: 1, logger: silentLogger }, new Outcomes());
    try {
      expect(await target.drainDelivery(10, 300)).toBe('delivery read 0 of 10 acknowledged records within 0.3 s');
    } finally {
      await target.dispose();
    }
  }, 60_000);
});
