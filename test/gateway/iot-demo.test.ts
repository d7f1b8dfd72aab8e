// `sdfleet demo --via iot` end to end: gateways → mosquitto (mTLS) → IoT rule → stream → delivery
// → lake, and verify reconciles every event the stream acknowledged, one row per event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { runIotDemo } from '../../pipeline/iot/iot-demo.js';
import { loadScenario } from '../../simulator/index.js';

const parent = mkdtempSync(join(tmpdir(), 'sdfleet-iot-demo-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

it('lands every published reading in the lake, one event per row, and verify reconciles', { timeout: 120_000 }, async () => {
  const scenario = loadScenario(fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url)));
  const report = await runIotDemo({ scenario, durationS: 90, gateways: 2, shardCount: 2, dir: join(parent, 'run'), logger: silentLogger });
  const acked = report.gateways.reduce((n, g) => n + g.acked, 0);
  expect(acked).toBeGreaterThan(50);
  expect(report.gateways.every((g) => g.pending === 0 && g.accepted === g.acked)).toBe(true);
  expect(report.rule.messages).toBeLessThan(acked); // batched: several readings per MQTT message
  expect(report.verify).toMatchObject({ ok: true, delivered: acked, uniqueEvents: acked, missing: 0, duplicates: 0, processingFailed: 0 });
});
