// Bundles the transform Lambdas for the nodejs22.x runtime: `npm run build:lambda`.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { writeZip } from './zip-writer.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambdas this folder deploys; each zip holds one `index.mjs` exporting `handler`. */
export const LAMBDAS = [
  { name: 'firehose-transform', entry: 'pipeline/transform/firehose-handler.ts' },
  { name: 'kinesis-transform', entry: 'pipeline/transform/kinesis-handler.ts' },
] as const;

export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'dist', 'lambda');

export interface LambdaArtifact {
  name: string;
  zipPath: string;
  bundleBytes: number;
  zipBytes: number;
}

/** Bundles and zips every Lambda into `outDir` (`<name>.zip`). */
export async function buildLambdas(outDir = DEFAULT_OUT_DIR): Promise<LambdaArtifact[]> {
  await mkdir(outDir, { recursive: true });
  const artifacts: LambdaArtifact[] = [];
  for (const lambda of LAMBDAS) {
    const result = await build({
      entryPoints: [path.join(REPO_ROOT, lambda.entry)],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      write: false,
      outfile: 'index.mjs',
      logLevel: 'warning',
      // Bundled CommonJS dependencies (pino) call require() for Node built-ins; ESM has none.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const bundle = result.outputFiles[0].contents;
    const zip = writeZip([{ name: 'index.mjs', data: bundle }]);
    const zipPath = path.join(outDir, `${lambda.name}.zip`);
    await writeFile(zipPath, zip);
    artifacts.push({ name: lambda.name, zipPath, bundleBytes: bundle.byteLength, zipBytes: zip.byteLength });
  }
  return artifacts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const artifact of await buildLambdas(process.argv[2])) {
    console.log(`${path.relative(process.cwd(), artifact.zipPath)}: index.mjs ${artifact.bundleBytes} bytes, zip ${artifact.zipBytes} bytes`);
  }
}
