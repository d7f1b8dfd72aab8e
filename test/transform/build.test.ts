import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdas, type LambdaArtifact } from '../../pipeline/transform/build.js';
import { encodeAggregated } from '../../producer/codec.js';
import { firehoseEvent, firehoseResponseSchema, kinesisEvent, telemetryEvent } from './fixtures.js';
import { readZip } from './zip-reader.js';

const run = promisify(execFile);
let dir: string;
let artifacts: LambdaArtifact[];

/** Runs a bundle's handler in a fresh plain Node process, the way the Lambda runtime imports it. */
async function invoke(bundlePath: string, event: unknown): Promise<unknown> {
  const eventPath = `${bundlePath}.event.json`;
  await writeFile(eventPath, JSON.stringify(event));
  const script = `const { handler } = await import(${JSON.stringify(bundlePath)});
const event = JSON.parse(await (await import('node:fs/promises')).readFile(${JSON.stringify(eventPath)}, 'utf8'));
process.stdout.write(JSON.stringify(await handler(event)));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, SDFLEET_LOG_LEVEL: 'silent' } });
  return JSON.parse(stdout) as unknown;
}

async function unpack(name: string): Promise<string> {
  const artifact = artifacts.find((a) => a.name === name);
  if (!artifact) throw new Error(`no artifact ${name}`);
  const entries = readZip(await readFile(artifact.zipPath));
  expect([...entries.keys()]).toEqual(['index.mjs']);
  const entry = entries.get('index.mjs')!;
  expect(entry.mode & 0o777).toBe(0o644);
  const bundlePath = path.join(dir, `${name}.mjs`);
  await writeFile(bundlePath, entry.data);
  return bundlePath;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sdfleet-lambda-'));
  artifacts = await buildLambdas(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('build:lambda', () => {
  it('writes one zip per handler', () => {
    expect(artifacts.map((a) => path.basename(a.zipPath))).toEqual(['firehose-transform.zip', 'kinesis-transform.zip']);
  });

  it('bundles a Firehose handler that works when imported from the zip', async () => {
    const bundle = await unpack('firehose-transform');
    const source = await readFile(bundle, 'utf8');
    expect(source).not.toContain('aws-cdk-lib');
    const response = firehoseResponseSchema.parse(await invoke(bundle, firehoseEvent([telemetryEvent(), 'not json'])));
    expect(response.records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed']);
    expect(response.records[0].metadata?.partitionKeys).toEqual({ event_type: 'vehicle', year: '2024', month: '06', day: '01', hour: '12' });
  });

  it('bundles a Kinesis handler (with the KPL codec) that works when imported from the zip', async () => {
    const bundle = await unpack('kinesis-transform');
    const aggregated = encodeAggregated([{ partitionKey: 'SD-1', data: Buffer.from(JSON.stringify(telemetryEvent())) }]);
    const event = kinesisEvent([
      { partitionKey: 'a', data: aggregated },
      { partitionKey: 'SD-2', data: Buffer.from('{}') },
    ]);
    expect(await invoke(bundle, event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }] });
  });

  it('is reproducible: rebuilding unchanged code gives identical zips', async () => {
    const again = await buildLambdas(path.join(dir, 'again'));
    for (const [i, artifact] of again.entries()) {
      expect((await readFile(artifact.zipPath)).equals(await readFile(artifacts[i].zipPath))).toBe(true);
    }
  });
});
