import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { runEndToEnd, type EndToEndReport } from '../../runner/end-to-end.js';
import { loadScenario } from '../../simulator/index.js';

// The `npm start` path: simulator → producer → gate (with faults) → kinesalite → delivery → lake → verify.
describe('end-to-end run (the demo path)', () => {
  let dir: string;
  let report: EndToEndReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-run-'));
    // Exactly the scenario `npm start` runs, with more faults so retries are certain.
    const scenario = loadScenario('scenarios/demo.yaml');
    report = await runEndToEnd({ scenario, shardCount: 2, dir, faults: { seed: 7, internalFailureRate: 0.2 }, logger: silentLogger });
  }, 180_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('every simulated event is acknowledged and lands in the lake exactly once', () => {
    expect(report.simulation.records).toBeGreaterThan(1000);
    expect(report.producer).toMatchObject({ acked: report.simulation.records, failed: 0, dropped: 0 });
    expect(report.delivery.read).toBeGreaterThanOrEqual(report.simulation.records);
    expect(report.verify).toMatchObject({ uniqueEvents: report.simulation.records, missing: 0, processingFailed: 0, ok: true });
    expect(report.verify.producer?.ackedPresent).toBe(report.simulation.records);
  });

  it('the injected faults really happened and were retried', () => {
    expect(report.gate.internalFailures).toBeGreaterThan(0);
    expect(report.producer.metrics.ErrorsByCode.InternalFailure).toBeGreaterThan(0);
  });

  it('writes a reloadable ack ledger and a queryable lake', async () => {
    const ledger = await AckLedger.load(report.ledgerPath);
    expect(ledger.totals().acked).toBe(report.simulation.records);
    const telemetry = report.co2ByClass.rows.reduce((n, row) => n + Number(row[1]), 0);
    expect(telemetry).toBeGreaterThan(0);
    expect(report.topEventTypes.rows.map((r) => r[0])).toContain('vehicle');
  });
});
