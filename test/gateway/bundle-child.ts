// Bundles the crash-test child once (packages stay external), so each of the dozens of restarts
// starts in a fraction of the time tsx needs. `import.meta.url` keeps pointing at each source
// file, so the simulator still finds its data next to its sources.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export async function bundleChild(entry: string, outfile: string): Promise<() => void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [
      {
        name: 'source-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, async (args) => ({
            contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  return () => rmSync(outfile, { force: true });
}
