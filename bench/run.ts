// Runs each bench/<name>.bench.ts in its own process (so RSS figures are its own), stores its
// markdown in bench/results/<name>.md and rebuilds BENCHMARKS.md from every stored result.
// `npm run bench` runs all; `npm run bench -- producer gate` runs only those;
// `npm run bench -- --assemble` only rebuilds BENCHMARKS.md from the stored results.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const resultsDir = join(dir, 'results');
mkdirSync(resultsDir, { recursive: true });

const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const assembleOnly = process.argv.includes('--assemble');
const wanted = process.argv.slice(2).filter((a) => a !== '--assemble');
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`sdfleet bench: unknown benchmark(s) ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}

// Hot-path benches measure the code as it ships: built by esbuild as `prepare` builds dist/, run by plain
// node. The tsx loader in the process cost the simulator 10–15 % of its CPU per reading (same code, same
// session); benches that start servers or build packages from the sources keep running under tsx.
const BUILT = new Set(['simulator', 'emissions']);
const built = join(dir, '..', '.bench-build');
const names = assembleOnly ? [] : wanted.length > 0 ? wanted : all;
if (names.some((name) => BUILT.has(name))) {
  const build = spawnSync(process.execPath, [join(dir, '..', 'cli', 'build-dist.mjs'), '--clean', '--dev', '--out', built], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('bench: building the code to measure into .bench-build/ failed');
    process.exit(1);
  }
}

let failed = 0;
for (const name of names) {
  console.error(`bench: ${name} ...`);
  const entry = BUILT.has(name) ? ['--expose-gc', join(built, 'bench', `${name}.bench.js`)] : ['--import', 'tsx', '--expose-gc', join(dir, `${name}.bench.ts`)];
  const run = spawnSync(process.execPath, entry, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    console.error(`bench: ${name} failed with exit code ${run.status}`);
    failed++;
    continue;
  }
  const stamp = `_Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.${BUILT.has(name) ? ' Built code (esbuild, as dist/), plain node.' : ''} Reproduce: \`npm run bench -- ${name}\`._`;
  writeFileSync(join(resultsDir, `${name}.md`), `${run.stdout.trim()}\n\n${stamp}\n`);
}

const sections = readdirSync(resultsDir).filter((f) => f.endsWith('.md')).sort().map((f) => readFileSync(join(resultsDir, f), 'utf8').trim());
writeFileSync(
  join(dir, '..', 'BENCHMARKS.md'),
  `# Benchmarks\n\nWritten by \`npm run bench\` (one section per \`bench/<name>.bench.ts\`). The machines are shared and noisy, so each section compares against a reference measured in the same run and quotes medians.\n\n${sections.join('\n\n')}\n`,
);
process.exit(failed > 0 ? 1 : 0);
