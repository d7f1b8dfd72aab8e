// There is no Docker engine or cluster on the build machines, so the container files are checked statically:
// everything they reference exists, every command they run is one sdfleet accepts, the Job passes the Kubernetes
// schema (kubernetes-models), and the compose fleet's slot-claiming entry point is run for real.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerCommands } from '../../cli/commands/index.js';
import { ACCOUNTING_PATH } from '../../pipeline/stream/gate.js';

const program = new Command('sdfleet');
registerCommands(program);
function checkInvocation(args: string[]): void {
  const command = program.commands.find((c) => c.name() === args[0]);
  expect(command, `sdfleet has no command "${args[0]}"`).toBeDefined();
  const known = new Set(command!.options.map((o) => o.long));
  for (const flag of args.filter((a) => a.startsWith('--'))) expect(known, `sdfleet ${args[0]} has no flag ${flag}`).toContain(flag);
}

interface Service {
  build?: { context: string; dockerfile: string };
  image: string;
  entrypoint?: string[];
  command: string[];
  environment?: Record<string, string>;
  deploy?: { replicas: string | number };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: { disable: boolean };
  profiles?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const dockerfile = readFileSync('docker/Dockerfile', 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

describe('docker/Dockerfile', () => {
  const finalStage = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));

  it('pins a Node 22 base image by digest', () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(image).toMatch(/^node:22-[a-z-]+@sha256:[0-9a-f]{64}$/);
    for (const from of lines.filter((l) => l.startsWith('FROM '))) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\}( AS \w+)?$/);
  });

  it('installs production dependencies only with npm ci in the image it ships', () => {
    expect(finalStage.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    expect(finalStage.some((l) => /npm (install|i) /.test(l))).toBe(false);
    // npm ci runs the package's prepare; the script must be in the image by then.
    const ci = finalStage.findIndex((l) => l.startsWith('RUN npm ci'));
    expect(pkg.scripts.prepare).toContain('cli/build-dist.mjs');
    expect(finalStage.slice(0, ci).some((l) => l.startsWith('COPY cli/build-dist.mjs'))).toBe(true);
  });

  it('runs as a non-root user that owns its data folder', () => {
    const user = finalStage.find((l) => l.startsWith('USER '))?.split(/\s+/)[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const chown = finalStage.find((l) => l.includes('chown'));
    expect(chown).toContain(`chown ${user}:${user} /app/data`);
    expect(finalStage.indexOf(chown!)).toBeLessThan(finalStage.findIndex((l) => l.startsWith('USER ')));
  });

  it('has a HEALTHCHECK on the gate of `sdfleet stack`, at its default port', () => {
    const health = dockerfile.match(/^HEALTHCHECK (?:.*\\\n)*.*$/m)?.[0] ?? '';
    expect(health).toContain(ACCOUNTING_PATH);
    const stack = program.commands.find((c) => c.name() === 'stack')!;
    const defaultPort = stack.options.find((o) => o.long === '--port')!.defaultValue as number;
    expect(health).toContain(`?? ${defaultPort})`);
    expect(health).toMatch(/--interval=\d+s --timeout=\d+s/);
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

describe('docker-compose.yml', () => {
  const { stack, fleet } = compose.services;

  it('builds from files that exist', () => {
    for (const service of Object.values(compose.services)) {
      if (service.build) expect(existsSync(`${service.build.context}/${service.build.dockerfile}`)).toBe(true);
    }
  });

  it('runs only real sdfleet commands and flags', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['stack', 'fleet', 'demo']));
    for (const service of Object.values(compose.services)) if (!service.entrypoint || service.entrypoint[0] === 'fleet-worker') checkInvocation(service.command);
  });

  it('runs N fleet replicas against the stack, each deriving its own worker slot', () => {
    expect(String(fleet.deploy?.replicas)).toBe('${SDFLEET_WORKERS:-3}');
    expect(fleet.environment?.SDFLEET_WORKERS).toBe('${SDFLEET_WORKERS:-3}');
    expect(fleet.entrypoint).toEqual(['fleet-worker']);
    expect(dockerfile).toMatch(/^COPY docker\/fleet-worker\.sh \/usr\/local\/bin\/fleet-worker$/m);
    // The slot script adds --worker and --dir, so the command must not.
    expect(fleet.command).not.toContain('--worker');
    expect(fleet.command).not.toContain('--dir');
    expect(fleet.command.slice(0, 1)).toEqual(['run']);
    checkInvocation([...fleet.command, '--worker', '--dir']);
    expect(fleet.command[fleet.command.indexOf('--endpoint') + 1]).toBe(`http://stack:${stack.command[stack.command.indexOf('--port') + 1]}`);
    expect(fleet.command[fleet.command.indexOf('--stream') + 1]).toBe(stack.command[stack.command.indexOf('--stream') + 1]);
    expect(fleet.depends_on).toEqual({ stack: { condition: 'service_healthy' }, 'fleet-slots': { condition: 'service_completed_successfully' } });
    expect(fleet.volumes).toContain('claims:/claims');
    expect(compose.services['fleet-slots'].volumes).toContain('claims:/claims');
    expect(compose.volumes).toHaveProperty('claims');
    // Only the stack runs the gate the image's HEALTHCHECK polls.
    for (const [name, service] of Object.entries(compose.services)) if (name !== 'stack') expect(service.healthcheck, name).toEqual({ disable: true });
    expect(stack.healthcheck).toBeUndefined();
    expect(stack.command).toContain('0.0.0.0');
  });
});

describe('docker/fleet-worker.sh', () => {
  let claims: string;
  beforeAll(async () => {
    claims = await mkdtemp(join(tmpdir(), 'sdfleet-claims-'));
  });
  afterAll(async () => {
    await rm(claims, { recursive: true, force: true });
  });

  const worker = (host: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('sh', ['docker/fleet-worker.sh', 'run', '--scenario', 'demo'], { env: { ...process.env, HOSTNAME: host, SDFLEET_WORKERS: '3', SDFLEET_CLAIMS: claims, SDFLEET_BIN: 'echo' } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout: stdout.trim(), stderr }),
      );
    });

  it('gives concurrent replicas distinct slots 0…N-1, the same slot on restart, and refuses one too many', async () => {
    const started = await Promise.all(['a', 'b', 'c'].map(worker));
    const slots = started.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      const m = /^run --scenario demo --worker (\d)\/3 --dir \/app\/data\/runs\/worker-(\d)$/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      expect(m![1]).toBe(m![2]);
      return m![1];
    });
    expect(slots.sort()).toEqual(['0', '1', '2']);
    const again = await worker('b');
    expect(again.stdout).toBe(started[1].stdout);
    const extra = await worker('d');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('all 3 worker slots are taken');
  });
});

describe('docker/k8s/fleet-job.yaml', () => {
  const manifest = parse(readFileSync('docker/k8s/fleet-job.yaml', 'utf8')) as ConstructorParameters<typeof Job>[0];
  const job = new Job(manifest);
  const container = job.spec!.template.spec!.containers[0];
  const args = container.args!;

  it('passes the Kubernetes schema', () => {
    expect(() => job.validate()).not.toThrow();
  });

  it('is an Indexed Job whose completion index is the --worker slot', () => {
    expect(job.spec!.completionMode).toBe('Indexed');
    const n = job.spec!.completions!;
    expect(n).toBeGreaterThan(1);
    expect(job.spec!.parallelism).toBe(n);
    expect(args[args.indexOf('--worker') + 1]).toBe(`$(JOB_COMPLETION_INDEX)/${n}`);
    expect(args[args.indexOf('--dir') + 1]).toContain('$(JOB_COMPLETION_INDEX)');
    expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
  });

  it('runs a real sdfleet command, with every $(VAR) it uses defined', () => {
    checkInvocation(args);
    const defined = new Set(['JOB_COMPLETION_INDEX', ...(container.env ?? []).map((e) => e.name)]);
    for (const [, name] of args.join(' ').matchAll(/\$\((\w+)\)/g)) expect(defined, name).toContain(name);
  });

  it('runs as the image user, non-root, with a writable data folder', () => {
    const pod = job.spec!.template.spec!.securityContext!;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBe(1000);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.volumeMounts?.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/app/data', '/tmp']));
  });
});
