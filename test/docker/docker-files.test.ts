import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerCommands } from '../../cli/commands/index.js';

// There is no Docker engine on the build machines, so the container files are checked statically:
// everything they reference must exist, and every command they run must be one sdfleet accepts.
const program = new Command('sdfleet');
registerCommands(program);

function checkInvocation(args: string[]): void {
  const command = program.commands.find((c) => c.name() === args[0]);
  expect(command, `sdfleet has no command "${args[0]}"`).toBeDefined();
  const known = new Set(command!.options.map((o) => o.long));
  for (const flag of args.filter((a) => a.startsWith('--'))) expect(known, `sdfleet ${args[0]} has no flag ${flag}`).toContain(flag);
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, { build?: { context: string; dockerfile: string }; command: string[] }> };

  it('builds from files that exist', () => {
    for (const service of Object.values(compose.services)) {
      if (service.build) expect(existsSync(`${service.build.context}/${service.build.dockerfile}`)).toBe(true);
    }
  });

  it('runs only real sdfleet commands and flags', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['stack', 'demo']));
    for (const service of Object.values(compose.services)) checkInvocation(service.command);
  });
});

describe('docker/Dockerfile', () => {
  const lines = readFileSync('docker/Dockerfile', 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

  it('uses Node 22 images (the AWS SDK requires it from 2027)', () => {
    const bases = lines.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:22[-.]/);
  });

  it('copies files that exist and runs scripts that exist', () => {
    for (const line of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
      for (const src of line.split(/\s+/).slice(1, -1)) if (src !== '.') expect(existsSync(src), src).toBe(true);
    }
    for (const [, script] of lines.join('\n').matchAll(/npm run (\S+)/g)) expect(pkg.scripts).toHaveProperty(script);
  });

  it('starts the same entry point the package publishes as its bin', () => {
    const entry = lines.find((l) => l.startsWith('ENTRYPOINT'))!;
    expect(JSON.parse(entry.slice('ENTRYPOINT'.length))).toEqual(['node', pkg.bin.sdfleet]);
    expect(existsSync(pkg.bin.sdfleet.replace(/^dist\//, '').replace(/\.js$/, '.ts'))).toBe(true);
  });
});
