// Bad input of every kind: one line naming the flag, variable or field and its value, exit 2, no stack, no usage dump.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../cli/commands/index.js';
import { lines, REPO, sdfleet } from './support.js';

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

/** Every command path: ['demo'], ['lake'], ['lake', 'query'], … */
function commandPaths(): string[][] {
  const program = new Command('sdfleet');
  registerCommands(program);
  const out: string[][] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      out.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return out;
}

describe('a bad flag', () => {
  it('prints one line and where to find help, for every command', async () => {
    const paths = [[], ...commandPaths()];
    expect(paths.length).toBeGreaterThan(5);
    const results = await Promise.all(paths.map((path) => sdfleet([...path, '--no-such-flag'])));
    results.forEach((r, i) => {
      const name = ['sdfleet', ...paths[i]].join(' ');
      expect(r.code, name).toBe(2);
      expect(lines(r.stderr), name).toEqual([expect.stringMatching(/^error: /), `(see '${name} --help')`]);
      expect(r.stderr).not.toContain('Usage:');
    });
  });

  it('--seed beyond 32 bits names the range instead of wrapping to another seed', async () => {
    const r = await sdfleet(['simulate', '--scenario', 'demo', '--seed', '4294967296', '--max-records', '1']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toMatch(/--seed.*4294967296.*0–4294967295/);
  });

  it("--duration '' is refused, not read as 0", async () => {
    const r = await sdfleet(['simulate', '--scenario', 'demo', '--duration', '']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toMatch(/--duration.*""/);
  });

  it('SDFLEET_LOG_LEVEL=verbose names the variable and the allowed levels', async () => {
    const r = await sdfleet(['lake', 'verify', '--lake', dir], { env: { SDFLEET_LOG_LEVEL: 'verbose' } });
    expectOneLine(r, /SDFLEET_LOG_LEVEL/, /"verbose"/, /fatal, error, warn, info, debug, trace, silent/);
  });

  it('--version reads package.json', async () => {
    const pkg = JSON.parse(await readFile(`${REPO}package.json`, 'utf8')) as { version: string };
    const r = await sdfleet(['--version']);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

describe('simulate paths', () => {
  it('--out in a missing folder or at a directory is one line, and creates nothing', async () => {
    expectOneLine(await sdfleet(['simulate', '--scenario', 'demo', '--out', '/nonexistent/dir/f']), /^sdfleet: --out: /, /"\/nonexistent\/dir\/f"/);
    expectOneLine(await sdfleet(['simulate', '--scenario', 'demo', '--out', dir]), /^sdfleet: --out: .*directory/);
  });

  it('--scenario /dev/zero is refused at once instead of read forever', async () => {
    const r = await sdfleet(['simulate', '--scenario', '/dev/zero'], { timeoutMs: 30_000 });
    expectOneLine(r, /^sdfleet: scenario: not a regular file \(got "\/dev\/zero"\)/);
  });

  it('a scenario file over the size cap is refused naming the cap', async () => {
    const big = join(dir, 'big.yaml');
    await writeFile(big, `# ${'x'.repeat(2 * 1024 * 1024)}\nname: big\nfleet: { vehicles: 1 }\n`);
    expectOneLine(await sdfleet(['simulate', '--scenario', big]), /scenario: larger than 1024 KiB/);
  });

  it('does not pile up abort listeners while waiting for a slow output (MaxListenersExceededWarning)', async () => {
    const out = join(dir, 'events.ndjson');
    // Every batch of 2048 lines exceeds the file stream's buffer, so each one waits for drain.
    const r = await sdfleet(['simulate', '--scenario', 'demo', '--duration', '100000', '--max-records', '40000', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
    expect(lines(await readFile(out, 'utf8'))).toHaveLength(40000);
  });
});

describe('scenario fields', () => {
  const scenario = async (name: string, body: string) => {
    const path = join(dir, `${name}.yaml`);
    await writeFile(path, `name: ${name}\n${body}\n`);
    return sdfleet(['simulate', '--scenario', path, '--max-records', '1']);
  };

  it('.inf and .nan print the value, not "(got null)"', async () => {
    expectOneLine(await scenario('inf', 'fleet: { vehicles: .inf }'), /fleet\.vehicles: .*\(got Infinity\)/);
    expectOneLine(await scenario('nan', 'fleet: { vehicles: .nan }'), /fleet\.vehicles: .*\(got NaN\)/);
  });

  it('an unknown mix class is refused naming it and the allowed classes', async () => {
    expectOneLine(await scenario('plane', 'fleet: { vehicles: 3, mix: { car: 1, plane: 1 } }'), /fleet\.mix\.plane/, /car, light_truck, ev, van, bus, drayage/);
  });

  it('an impossible start is refused instead of rolled over', async () => {
    expectOneLine(await scenario('feb30', 'start: "2026-02-30T07:00:00"\nfleet: { vehicles: 3 }'), /^sdfleet: start: .*"2026-02-30T07:00:00"/);
  });
});
