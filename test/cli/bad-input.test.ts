// Bad input of every kind: one line naming the flag, variable or field and its value, exit 2, no stack, no usage dump.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../cli/program.js';
import { loadScenario, type ScenarioInput } from '../../simulator/index.js';
import { lines, sdfleet } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectOneLine(r: { code: number; stderr: string }, ...parts: (string | RegExp)[]) {
  expect(r.code, r.stderr).toBe(2);
  const [line, ...rest] = lines(r.stderr);
  expect(rest, r.stderr).toEqual([]);
  for (const part of parts) expect(line).toMatch(part);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Parses argv with the real command tree in this process and returns what commander wrote to stderr. */
async function parseInProcess(argv: string[]): Promise<{ code: number | undefined; stderr: string }> {
  let stderr = '';
  const program = await createProgram({ writeErr: (text) => (stderr += text), writeOut: () => undefined });
  try {
    await program.parseAsync(['node', 'sdfleet', ...argv]);
    return { code: undefined, stderr };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode, stderr };
    throw err;
  }
}

/** Every command path: [], ['demo'], ['lake'], ['lake', 'query'], … */
async function commandPaths(): Promise<string[][]> {
  const out: string[][] = [[]];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      out.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(await createProgram(), []);
  return out;
}

describe('a bad flag', () => {
  it('prints one line and where to find help, for every command', async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) {
      const name = ['sdfleet', ...path].join(' ');
      const r = await parseInProcess([...path, '--no-such-flag']);
      expect(r.code, name).toBe(1); // commander's code; the binary maps it to 2 (below)
      expect(lines(r.stderr), name).toEqual([expect.stringMatching(/^error: /), `(see '${name} --help')`]);
    }
  });

  it('the binary exits 2 with those two lines, not the usage', async () => {
    const r = await sdfleet(['lake', 'query', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["error: unknown option '--no-such-flag'", "(see 'sdfleet lake query --help')"]);
  });

  it('--seed beyond 32 bits names the range instead of wrapping to another seed', async () => {
    const r = await parseInProcess(['simulate', '--scenario', 'demo', '--seed', '4294967296']);
    expect(lines(r.stderr)[0]).toMatch(/--seed.*4294967296.*0–4294967295/);
  });

  it("--duration '' is refused, not read as 0", async () => {
    const r = await parseInProcess(['simulate', '--scenario', 'demo', '--duration', '']);
    expect(lines(r.stderr)[0]).toMatch(/--duration.*""/);
  });

  it('SDFLEET_LOG_LEVEL=verbose names the variable and the allowed levels', async () => {
    const r = await sdfleet(['lake', 'verify', '--lake', dir], { env: { SDFLEET_LOG_LEVEL: 'verbose' } });
    expectOneLine(r, /SDFLEET_LOG_LEVEL/, /"verbose"/, /fatal, error, warn, info, debug, trace, silent/);
  });
});

describe('simulate paths', () => {
  it('--out in a missing folder or at a directory is one line, and creates nothing', async () => {
    const [missing, directory] = await Promise.all([sdfleet(['simulate', '--scenario', 'demo', '--out', '/nonexistent/dir/f']), sdfleet(['simulate', '--scenario', 'demo', '--out', dir])]);
    expectOneLine(missing, /^sdfleet: --out: /, /"\/nonexistent\/dir\/f"/);
    expectOneLine(directory, /^sdfleet: --out: .*directory/);
  });

  it('--scenario /dev/zero is refused at once instead of read forever', async () => {
    const r = await sdfleet(['simulate', '--scenario', '/dev/zero'], { timeoutMs: 30_000 });
    expectOneLine(r, /^sdfleet: scenario: not a regular file \(got "\/dev\/zero"\)/);
  });

  it('a scenario file over the size cap is refused naming the cap', async () => {
    const big = join(dir, 'big.yaml');
    await writeFile(big, `# ${'x'.repeat(2 * 1024 * 1024)}\nname: big\nfleet: { vehicles: 1 }\n`);
    expectOneLine(await sdfleet(['simulate', '--scenario', big]), /^sdfleet: scenario: larger than 1024 KiB/);
  });

  it('does not pile up abort listeners while waiting for a slow output (MaxListenersExceededWarning)', async () => {
    const out = join(dir, 'events.ndjson');
    // Every batch of 2048 lines exceeds the file stream's buffer, so each one waits for drain: 12 waits, over the limit of 10.
    const r = await sdfleet(['simulate', '--scenario', 'demo', '--duration', '100000', '--max-records', '25000', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
    expect(lines(await readFile(out, 'utf8'))).toHaveLength(25000);
  });
});

describe('scenario fields', () => {
  const problem = (input: object) => {
    try {
      loadScenario({ name: 'x', ...input } as ScenarioInput);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('.inf and .nan print the value, not "(got null)"', async () => {
    const path = join(dir, 'inf.yaml');
    await writeFile(path, 'name: inf\nfleet: { vehicles: .inf }\n');
    expectOneLine(await sdfleet(['simulate', '--scenario', path, '--max-records', '1']), /fleet\.vehicles: .*\(got Infinity\)/);
    expect(problem({ fleet: { vehicles: Number.NaN } })).toMatch(/^fleet\.vehicles: .*\(got NaN\)/);
  });

  it('an unknown mix class is refused naming it and the allowed classes', () => {
    expect(problem({ fleet: { vehicles: 3, mix: { car: 1, plane: 1 } } })).toMatch(/^fleet\.mix\.plane: .*car, light_truck, ev, van, bus, drayage \(got 1\)/);
  });
});
