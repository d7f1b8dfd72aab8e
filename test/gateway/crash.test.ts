// kill -9 at random points while the gateway ingests, with the stream reachable and not: at the
// end an independent read of the stream holds every accepted reading and no vehicle has a seq gap.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKinesalite, type LocalKinesis } from '../producer/kinesalite-fixture.js';
import { bundleChild } from './bundle-child.js';
import { readWholeStream, seqGaps, simulatedEvents } from './support.js';

const CHILD = fileURLToPath(new URL(`./.agent-child-${process.pid}.js`, import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
const VEHICLES = 8;
const TOTAL = 5000;
/** Three gateways, each with its own spool and stream, crash side by side: 3 × 10 = 30 kill -9 cycles. */
const LANES = 3;
const CYCLES = 10;

let kinesis: LocalKinesis;
let dir: string;
let deadEndpoint: string;
let removeChild: (() => void) | undefined;

beforeAll(async () => {
  removeChild = await bundleChild(fileURLToPath(new URL('./agent-child.ts', import.meta.url)), CHILD);
  kinesis = await startKinesalite();
  for (let lane = 0; lane < LANES; lane++) await kinesis.createStream(`gw-${lane}`, 2);
  dir = mkdtempSync(join(tmpdir(), 'sdfleet-gw-crash-'));
  deadEndpoint = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  removeChild?.();
  await kinesis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the gateway; with `killAfterMs`, kill -9 that long after it starts accepting readings. */
function runChild(lane: number, endpoint: string, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const args = { scenario: SCENARIO, vehicles: VEHICLES, spool: join(dir, `spool-${lane}`), endpoint, stream: `gw-${lane}`, maxRecords: TOTAL, fsync: 'never', speedup: 1500 };
  const child = spawn(process.execPath, [CHILD, JSON.stringify(args)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  const kill = () => child.kill('SIGKILL');
  if (killAfterMs !== undefined) timer = setTimeout(kill, 4000 + killAfterMs); // in case it has nothing left to accept
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (killAfterMs !== undefined && stderr.includes('gateway: accepting readings') && !stderr.includes('"killing"')) {
      stderr += '"killing"';
      clearTimeout(timer);
      timer = setTimeout(kill, killAfterMs);
    }
  });
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    }),
  );
}

async function crashLane(lane: number): Promise<void> {
  let seed = 12345 + lane;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let killed = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const endpoint = (cycle + lane) % 3 === 1 ? deadEndpoint : kinesis.endpoint; // every third run: the stream cannot be reached
    const result = await runChild(lane, endpoint, Math.floor(random() * 500));
    if (result.signal === 'SIGKILL') killed++;
    else expect(result.code, result.stderr).toBe(0);
  }
  expect(killed).toBeGreaterThanOrEqual(CYCLES - 2);
  const final = await runChild(lane, kinesis.endpoint);
  expect(final.code, final.stderr).toBe(0);
}

it(`survives ${LANES * CYCLES} kill -9 cycles, online and offline, with no lost reading and no seq gap`, { timeout: 300_000 }, async () => {
  await Promise.all(Array.from({ length: LANES }, (_, lane) => crashLane(lane)));
  const expected = await simulatedEvents(SCENARIO, VEHICLES, TOTAL);
  for (let lane = 0; lane < LANES; lane++) {
    const events = await readWholeStream(kinesis.client, `gw-${lane}`);
    const delivered = new Map(events.map((e) => [`${e.vehicle_id}#${e.seq}`, e.event_uuid]));
    const missing = [...expected.keys()].filter((k) => delivered.get(k) !== expected.get(k));
    expect(missing).toEqual([]);
    expect([...delivered.keys()].filter((k) => !expected.has(k))).toEqual([]); // nothing invented
    expect(seqGaps(events)).toEqual({});
    expect(events.every((e) => e.partitionKey === e.vehicle_id)).toBe(true);
  }
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
