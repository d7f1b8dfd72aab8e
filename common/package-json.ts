// sdfleet's own package.json, wherever the code runs from: ../ of common/ in a clone, ../../ of dist/common/ in a build.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: { name: string; version: string } | undefined;

/** The nearest package.json above this module whose name is `sdfleet`. */
export function packageJson(): { name: string; version: string } {
  if (found) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'sdfleet' && pkg.version) return (found = { name: pkg.name, version: pkg.version });
  }
  throw new Error('sdfleet: package.json not found above the code');
}
