import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { startRun, type RecordTap, type RunResult } from '../../runner/run.js';
import { readScenario, scenarioSource } from '../../runner/scenario-source.js';

// `run --target file` takes the simulator's readings as bytes (no string per reading) unless
// something needs their text. Both ways must write the same file and the same ledger.
describe('run --target file: readings as bytes and as text give identical output', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-file-target-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const record = async (name: string, onRecord?: RecordTap): Promise<RunResult> => {
    const source = scenarioSource(readScenario('demo'), { seed: 11, useScenarioStop: false });
    const handle = await startRun({
      source,
      target: { kind: 'file', path: join(dir, `${name}.ndjson`) },
      pacing: { shape: { shape: 'max' } },
      maxRecords: 20_000,
      timestamps: 'simulated',
      dir: join(dir, name),
      worker: null,
      logger: silentLogger,
      onRecord,
    });
    return handle.done;
  };

  it('writes byte-identical NDJSON and ledgers, every line a whole JSON event', async () => {
    let bytesSeen = 0;
    let textSeen = 0;
    const bytesTap: RecordTap = Object.assign(() => void textSeen++, { reading: () => void bytesSeen++ });
    const viaBytes = await record('bytes', bytesTap);
    expect(bytesSeen).toBeGreaterThan(10_000); // the bytes path was taken for the readings
    expect(textSeen).toBeGreaterThan(0); // and the other events came as text

    let textOnly = 0;
    const viaText = await record('text', () => void textOnly++); // a tap that wants text forces the text path
    expect(textOnly).toBe(20_000);

    const a = await readFile(join(dir, 'bytes.ndjson'));
    const b = await readFile(join(dir, 'text.ndjson'));
    expect(a.equals(b)).toBe(true);
    const lines = a.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(20_000);
    for (const line of lines) expect(typeof (JSON.parse(line) as { seq: unknown }).seq).toBe('number');
    expect(await readFile(join(dir, 'bytes', 'acks.json'), 'utf8')).toBe(await readFile(join(dir, 'text', 'acks.json'), 'utf8'));
    expect(viaBytes.summary.records).toMatchObject({ generated: 20_000, acked: 20_000 });
    expect(viaText.summary.records).toMatchObject({ generated: 20_000, acked: 20_000 });
  }, 120_000);
});
