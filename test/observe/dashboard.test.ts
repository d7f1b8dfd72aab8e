import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { startObservability, type Observability } from '../../observe/observability.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { KinesisProducer } from '../../producer/kinesis-producer.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { launchBrowser } from './browser.js';

// The live dashboard on 127.0.0.1 with a real gate and producer: the page must redraw with new
// traffic within 2 s of it being acknowledged (the recorder samples once a second).
let stream: LocalStream;
let obs: Observability | undefined;
let client: ReturnType<typeof createLocalKinesisClient>;

beforeEach(async () => {
  stream = await startLocalStream({ streamName: 'live', shardCount: 2, logger: silentLogger });
  client = createLocalKinesisClient({ endpoint: stream.endpoint });
});
afterEach(async () => {
  await obs?.stop();
  obs = undefined;
  client.destroy();
  await stream.close();
});

interface Drawn {
  charts: Array<{ id: string; total: number }>;
  updates: number;
}

describe('sdfleet --ui dashboard', () => {
  it('serves on 127.0.0.1 and redraws within 2 s of new traffic', async () => {
    const producer = new KinesisProducer({ client, streamName: 'live', metricsIntervalMs: 0 });
    obs = await startObservability({ producer, gate: { accounting: () => stream.accounting(), limits: stream.gate.limits }, ui: 0, quiet: true });
    expect(obs.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(obs.uiUrl!);
      // The first pushed model arrives (an idle second: no shard traffic yet, so no per-shard chart).
      await page.waitForFunction(() => (globalThis as unknown as { sdfleet: Drawn }).sdfleet.updates >= 2, undefined, { timeout: 10_000 });
      const before = (await page.evaluate(() => (globalThis as unknown as { sdfleet: Drawn }).sdfleet)) as Drawn;
      expect(before.charts.find((c) => c.id === 'records')?.total ?? 0).toBe(0);

      await Promise.all(Array.from({ length: 200 }, (_, i) => producer.put({ partitionKey: `v${i}`, data: Buffer.from(`{"i":${i}}`) })));
      const ackedAt = Date.now();
      await page.waitForFunction(() => ((globalThis as unknown as { sdfleet: Drawn }).sdfleet.charts.find((c) => c.id === 'records')?.total ?? 0) > 0, undefined, {
        timeout: 2000,
      });
      expect(Date.now() - ackedAt).toBeLessThanOrEqual(2000);
      await expect(page.locator('#status').textContent()).resolves.toMatch(/^live · /);
      expect(await page.locator('.uplot').count()).toBeGreaterThanOrEqual(4);
      expect(errors).toEqual([]);
      await producer.close();
    } finally {
      await browser.close();
    }
  });

  it('`sdfleet stack --ui` shows the per-shard accounting of any producer writing to the stack', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/sdfleet.ts', 'stack', '--json', '--memory', '--port', '0', '--stream', 'ui-stream', '--ui'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const browser = await launchBrowser();
    try {
      const started = JSON.parse((await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value as string) as { endpoint: string };
      const uiLine = (await createInterface({ input: child.stderr })[Symbol.asyncIterator]().next()).value as string;
      const url = /^sdfleet: live dashboard at (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(uiLine)?.[1];
      expect(url, uiLine).toBeDefined();
      const page = await browser.context.newPage();
      await page.goto(url!);
      const c = createLocalKinesisClient({ endpoint: started.endpoint });
      await c.send(new PutRecordsCommand({ StreamName: 'ui-stream', Records: Array.from({ length: 30 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from('x') })) }));
      c.destroy();
      await page.waitForFunction(() => ((globalThis as unknown as { sdfleet: Drawn }).sdfleet.charts.find((ch) => ch.id === 'records')?.total ?? 0) >= 30, undefined, { timeout: 10_000 });
      const drawn = (await page.evaluate(() => (globalThis as unknown as { sdfleet: Drawn }).sdfleet)) as Drawn;
      expect(drawn.charts.map((ch) => ch.id)).toEqual(['records', 'bytes', 'throttles']);
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await browser.close();
    }
  });

  it('refuses a port in use with the port named', async () => {
    obs = await startObservability({ gate: { accounting: () => stream.accounting() }, ui: 0, quiet: true });
    const port = Number(new URL(obs.uiUrl!).port);
    await expect(startObservability({ gate: { accounting: () => stream.accounting() }, ui: port, quiet: true })).rejects.toThrow(`--ui: is already in use; pick another port or 0 for any free one (got ${port})`);
  });
});
