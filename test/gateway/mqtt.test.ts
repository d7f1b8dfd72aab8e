// The MQTT path against a real mosquitto with mutual TLS: an untrusted device is refused, and a
// broker outage is survived — the backlog drains oldest first per vehicle while live readings
// flow — through the local IoT rule into the stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { runGateway } from '../../gateway/agent.js';
import { checkCredentials, connectMqtt } from '../../gateway/mqtt-connection.js';
import { createMqttTransport } from '../../gateway/mqtt-transport.js';
import { createPki, type LocalPki } from '../../pipeline/iot/certs.js';
import { startMosquitto, type Mosquitto } from '../../pipeline/iot/mosquitto.js';
import { startIotRule, type IotRule } from '../../pipeline/iot/rule.js';
import { startKinesalite, type LocalKinesis } from '../producer/kinesalite-fixture.js';
import { readWholeStream, seqGaps } from './support.js';

let dir: string;
let pki: LocalPki;
let rogue: LocalPki;
let broker: Mosquitto;
let kinesis: LocalKinesis;
let rule: IotRule;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sdfleet-gw-mqtt-'));
  pki = createPki(join(dir, 'pki'));
  rogue = createPki(join(dir, 'rogue'), 'someone else');
  broker = await startMosquitto(pki);
  kinesis = await startKinesalite();
  await kinesis.createStream('iot', 2);
  rule = await startIotRule({ endpoint: broker.endpoint, ...pki.client('iot-rule'), ca: pki.ca, client: kinesis.client, streamName: 'iot', logger: silentLogger });
}, 60_000);

afterAll(async () => {
  await rule?.close();
  await broker?.stop();
  await kinesis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('names the file and the reason for a mismatched key, an expired certificate, a missing file', () => {
  const a = pki.client('device-a');
  const b = pki.client('device-b');
  expect(() => checkCredentials({ cert: a.cert, key: b.key, ca: pki.ca })).toThrow(`--key: does not match the certificate ${a.cert} (got "${b.key}")`);
  const inTenDays = new Date(Date.now() + 10 * 86_400_000); // the test certificates are valid for 2 days
  expect(() => checkCredentials({ cert: a.cert, key: a.key }, inTenDays)).toThrow(/^--cert: expired on .* \(got ".*device-a\.crt"\)$/);
  expect(() => checkCredentials({ cert: join(dir, 'nope.crt'), key: a.key })).toThrow(/^--cert: cannot be read \(ENOENT\)/);
  expect(() => checkCredentials({ cert: a.cert, key: a.key, ca: pki.ca })).not.toThrow();
});

it('refuses a device whose certificate the broker does not trust, with a clear error', { timeout: 30_000 }, async () => {
  const intruder = await connectMqtt({ endpoint: broker.endpoint, ...rogue.client('intruder'), ca: pki.ca, clientId: 'intruder', logger: silentLogger, minReconnectDelayMs: 200 });
  try {
    for (let i = 0; i < 200 && intruder.lastError === undefined; i++) await sleep(50);
    expect(intruder.connected).toBe(false);
    expect(intruder.lastError).toMatch(/TLS handshake failed .*may not trust the device certificate .*intruder\.crt|SOCKET|refused/);
  } finally {
    await intruder.close();
  }
});

it('spools through a broker outage, then drains the backlog oldest first per vehicle while live readings flow', { timeout: 60_000 }, async () => {
  const stdin = new PassThrough();
  const transport = await createMqttTransport({
    endpoint: broker.endpoint,
    ...pki.client('vehicle-gateway'),
    ca: pki.ca,
    clientId: 'vehicle-gateway',
    logger: silentLogger,
    publishesPerSecond: 6, // slow, so the backlog takes several sends and live readings must share them
    minReconnectDelayMs: 100,
    maxReconnectDelayMs: 500,
  });
  const vehicles = ['V1', 'V2', 'V3'];
  let t = 1772552700;
  const write = (n: number) => {
    for (let i = 0; i < n; i++) for (const v of vehicles) stdin.write(`${JSON.stringify({ vehicle_id: v, event_name: 'vehicle:telemetry', created_at: (t += 0.1), speed_kmh: 30 })}\n`);
  };
  const done = runGateway({
    source: '-',
    stdin,
    spool: { dir: join(dir, 'spool'), fsync: 'never', maxBytes: 64 * 1024 * 1024, whenFull: 'block' },
    transport,
    logger: silentLogger,
  });
  write(20);
  for (let i = 0; i < 200 && rule.stats().forwarded === 0; i++) await sleep(50);
  expect(rule.stats().forwarded).toBeGreaterThan(0);

  await broker.stop();
  write(700); // seq 21..720: the backlog
  await sleep(300);
  await broker.start();
  for (let i = 0; i < 60; i++) {
    write(1); // live: seq 721..780
    await sleep(25);
  }
  stdin.end();
  const report = await done;
  expect(report.spool).toMatchObject({ accepted: 2340, pending: 0, acked: 2340, dropped: 0, lost: 0 });
  // PUBACK means the broker has it; the rule gets it a moment later.
  let events = await readWholeStream(kinesis.client, 'iot');
  for (let i = 0; i < 100 && Object.keys(seqGaps(events)).length + (2340 - new Set(events.map((e) => `${e.vehicle_id}#${e.seq}`)).size) > 0; i++) {
    await sleep(100);
    await rule.flush();
    events = await readWholeStream(kinesis.client, 'iot');
  }
  expect(seqGaps(events)).toEqual({});
  for (const v of vehicles) {
    const arrived = firstArrivals(events.filter((e) => e.vehicle_id === v).map((e) => e.seq)); // stream order = arrival order per key
    expect(new Set(arrived).size).toBe(780);
    // Two lanes, each oldest first: the backlog (up to where the gateway reconnected) and the live
    // readings after it, whose first one overtakes the end of the backlog.
    const after = arrived.filter((s) => s > 20);
    const boundary = Math.min(...after.filter((s, i) => after.slice(i + 1).some((later) => later < s)));
    expect(boundary, `${v} arrived strictly in order: live readings waited for the whole backlog`).toBeLessThan(Infinity);
    const backlog = after.filter((s) => s < boundary);
    const live = after.filter((s) => s >= boundary);
    expect(backlog).toEqual([...backlog].sort((a, b) => a - b));
    expect(live).toEqual([...live].sort((a, b) => a - b));
    expect(backlog.length).toBeGreaterThanOrEqual(700);
    expect(after.indexOf(boundary)).toBeLessThan(after.indexOf(backlog[backlog.length - 1]));
  }
  expect(events.every((e) => e.partitionKey === e.vehicle_id)).toBe(true);
});

function firstArrivals(seqs: number[]): number[] {
  const seen = new Set<number>();
  return seqs.filter((s) => !seen.has(s) && seen.add(s));
}
