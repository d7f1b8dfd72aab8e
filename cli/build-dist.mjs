// Builds dist/ for the `sdfleet` bin. Plain JavaScript on purpose: it runs as `prepare`, on every `npm install`
// of a clone (CI included), where it must be fast, and in production installs, where dev tools are absent.
//   node cli/build-dist.mjs             transpile (esbuild, no type check, about a second) + assets: `prepare`
//   node cli/build-dist.mjs --assets    assets only, for `npm run build` where tsc emits the code and declarations
//   --clean                             empty the output folder first (`npm run build`, so a pack ships no stale module)
//   --out DIR                           build elsewhere than dist/ (tests)
//   --dev                               also bench/ and test/'s support modules (not *.test.ts): `npm run bench`
//                                       runs hot-path benches from such a build, as the code ships, without tsx
import console from 'node:console';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : join(root, 'dist');
const assetsOnly = args.includes('--assets');
const dev = args.includes('--dev');

let esbuild;
if (!assetsOnly) {
  try {
    esbuild = await import('esbuild');
  } catch {
    // A production install (`npm ci --omit=dev`) has no esbuild; its dist/ is built before (Docker) or shipped (npm).
    console.log('sdfleet prepare: esbuild not installed, dist/ left as it is');
    process.exit(0);
  }
}
if (args.includes('--clean')) rmSync(out, { recursive: true, force: true });

// The folders tsc builds; tsconfig.build.json stays the one list. scenarios/ is data the CLI reads at run time.
const config = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
const devDirs = dev ? ['bench', 'test'] : [];
const excluded = (path) =>
  /\.test\.ts$|(^|\/)node_modules\//.test(path) ||
  (!dev && /(^|\/)(test|bench)\//.test(path)) ||
  config.exclude.some((e) => !devDirs.includes(e) && (path === e || path.startsWith(`${e}/`)));
const files = [...config.include, 'scenarios', ...devDirs].flatMap((dir) => walk(dir)).filter((path) => !excluded(path));

function walk(dir) {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(root, path)).isDirectory() ? walk(path) : [path];
  });
}

// Data files (CSV, road graph, schemas, attributions) sit next to the code that reads them by import.meta.url.
// A dev build also copies the plain-JavaScript helpers that tests and benches start (never built here).
for (const path of files.filter((p) => !/\.(ts|mjs|js)$/.test(p) || (dev && /\.mjs$/.test(p)))) cpSync(join(root, path), join(out, path));

if (esbuild) {
  const sources = files.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'));
  try {
    await esbuild.build({
      entryPoints: sources.map((p) => join(root, p)),
      outdir: out,
      outbase: root,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: true,
      logLevel: 'error',
    });
  } catch {
    // esbuild has printed the error. `npm install` must still finish (tests and `npm run sdfleet` use the sources).
    console.log('sdfleet prepare: dist/ not built (see above); `npx sdfleet` needs `npm run build` to succeed');
    process.exit(0);
  }
  console.log(`sdfleet prepare: ${sources.length} modules → ${relative(process.cwd(), out) || '.'}`);
}
