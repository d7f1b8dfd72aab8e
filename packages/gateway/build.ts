// Builds the lean gateway package: one ESM file with the gateway and the producer. The AWS SDK and
// pino stay real dependencies (patched by `npm update`); aws-iot-device-sdk-v2 (aws-crt, native)
// is optional and loaded only for `--transport mqtt`; the simulator is left out entirely.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
/** Node flags in the bin's shebang (`env -S`); give them to `node` yourself where env has no -S. */
export const NODE_FLAGS = ['--lite-mode', '--max-semi-space-size=1', '--no-expose-wasm'];
/** Runtime dependencies of the package; everything else is bundled. */
export const EXTERNAL = ['@aws-sdk/client-kinesis', '@smithy/node-http-handler', 'pino', 'aws-iot-device-sdk-v2'];

export async function buildGatewayPackage(outfile = join(here, 'dist', 'sdfleet-gateway.js')): Promise<Metafile> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [join(here, 'sdfleet-gateway.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    metafile: true,
    minify: false,
    // Bundled CommonJS dependencies (commander, p-limit's peers) call require().
    // V8's lite mode (no optimizing compiler) and a 1 MB young generation keep RSS under 64 MB at
    // 100 readings/s; CPU at that rate is a few percent either way (bench/results/gateway.md).
    banner: { js: `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);` },
    logLevel: 'error',
    plugins: [
      {
        name: 'no-simulator',
        setup(b) {
          // The simulator (faker, road graph, emission tables) serves tests and backfills, not vehicles.
          b.onResolve({ filter: /(simulator\/index|simulator-source)\.js$/ }, () => ({ path: 'simulator-stub', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
            contents: `import { UserError } from ${JSON.stringify(join(here, '../../common/user-error.ts'))};
              const missing = () => { throw new UserError('--source', 'simulator', 'is not in the lean gateway package: use the full sdfleet package, or feed NDJSON with --source'); };
              export const loadScenario = missing; export const createSimulatorSource = missing;`,
            loader: 'js',
            resolveDir: here,
          }));
        },
      },
    ],
  });
  chmodSync(outfile, 0o755);
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildGatewayPackage();
