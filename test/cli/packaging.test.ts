// `npm pack` → unpack → run the bin, as a user of the published package or of `npm install -g` would.
// Offline: no dependency is installed from a registry; the unpacked copy borrows the repo's node_modules.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../cli/installation.js';
import { lines, REPO, sdfleet } from './support.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

let dir: string;
let packed: string[];
let unpacked: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-pack-'));
  const source = join(dir, 'source');
  mkdirSync(source);
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md']) copyFileSync(`${REPO}${file}`, join(source, file));
  // What `prepare` does on a clone (the fast build), into the copy rather than the repo's own dist/.
  await run(process.execPath, [`${REPO}cli/build-dist.mjs`, '--out', join(source, 'dist')]);
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: source });
  const [result] = JSON.parse(stdout) as [{ filename: string; files: { path: string; mode: number }[] }];
  packed = result.files.map((f) => f.path);
  await run('tar', ['xzf', join(dir, result.filename), '-C', dir]);
  unpacked = join(dir, 'package');
  symlinkSync(`${REPO}node_modules`, join(unpacked, 'node_modules'));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built CLI and its data, and no tests, benchmarks or sources', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', pkg.bin.sdfleet, 'dist/scenarios/demo.yaml', 'dist/scenarios/rush-hour.yaml', 'dist/simulator/data/geo/graph.json']));
    expect(packed.filter((p) => /(^|\/)(test|bench)\/|\.test\.|\.bench\./.test(p))).toEqual([]);
    expect(packed.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'CHANGELOG.md'].includes(p))).toEqual([]);
    expect(packed.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('exports each entry point with a types condition first, built from a declared source', () => {
    const build = JSON.parse(readFileSync(`${REPO}tsconfig.build.json`, 'utf8')) as { compilerOptions: { declaration?: boolean }; include: string[] };
    expect(build.compilerOptions.declaration).toBe(true);
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (entry === './package.json') continue;
      expect(typeof target, entry).toBe('object');
      const { types, default: js } = target as { types: string; default: string };
      expect(Object.keys(target)[0], entry).toBe('types');
      expect(packed, entry).toContain(js.replace(/^\.\//, ''));
      const sourceOf = types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts');
      expect(statSync(`${REPO}${sourceOf}`).isFile(), sourceOf).toBe(true);
      expect(build.include.some((d) => sourceOf.startsWith(`${d}/`)), `${sourceOf} is built with declarations`).toBe(true);
    }
  });

  it('prepare is the fast build, needs nothing but node, and prepack does the full build', () => {
    expect(pkg.scripts.prepare).toBe('node cli/build-dist.mjs');
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
  });

  it('runs from the unpacked copy, anywhere: --version, scenarios and a bundled scenario', async () => {
    const entry = [join(unpacked, pkg.bin.sdfleet)];
    const [version, scenarios, simulate] = await Promise.all([
      sdfleet(['--version'], { entry, cwd: dir }),
      sdfleet(['scenarios'], { entry, cwd: dir }),
      sdfleet(['simulate', '--scenario', 'demo', '--max-records', '3'], { entry, cwd: dir }),
    ]);
    expect(version.stdout.trim()).toBe(pkg.version);
    expect(lines(scenarios.stdout).length).toBeGreaterThanOrEqual(8);
    expect(simulate.code, simulate.stderr).toBe(0);
    expect(lines(simulate.stdout)).toHaveLength(3);
  });

  it('runs as a global bin on PATH (what npm install -g links), and suggests `sdfleet …`', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    chmodSync(join(unpacked, pkg.bin.sdfleet), 0o755);
    symlinkSync(join(unpacked, pkg.bin.sdfleet), join(bin, 'sdfleet'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    delete env.npm_lifecycle_event;
    delete env.npm_command;
    const { stdout, stderr } = await run('sdfleet', ['scenarios'], { cwd: dir, env });
    expect(lines(stdout).length).toBeGreaterThanOrEqual(8);
    expect(stderr).toContain('Use one: sdfleet simulate --scenario demo');
  });
});

describe('suggested commands ("Explore:", "Use one:") work where the CLI runs', () => {
  const script = `${REPO}cli/sdfleet.ts`;
  it('names the npm script, npx, or the path the user ran', () => {
    expect(selfCommand({ npm_lifecycle_event: 'sdfleet', PATH: '' }, script)).toBe('npm run sdfleet --');
    expect(selfCommand({ PATH: '' }, script)).toMatch(/^npx tsx \S*cli\/sdfleet\.ts$/);
    expect(selfCommand({ npm_command: 'exec', PATH: '' }, script)).toMatch(/^npx tsx /);
    expect(selfCommand({ PATH: '' }, `${REPO}dist/cli/sdfleet.js`)).toMatch(/^node \S*dist\/cli\/sdfleet\.js$/);
  });
});
