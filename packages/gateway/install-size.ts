// Measures what installing the lean gateway package puts on disk: its bundle plus the dependency
// closure of its runtime dependencies, resolved the way npm hoists them (read from node_modules).
import { existsSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface InstallSize {
  packages: number;
  bytes: number;
  byTopLevel: Record<string, number>;
}

export function dependencyClosureSize(nodeModules: string, roots: readonly string[]): InstallSize {
  const seen = new Map<string, number>(); // package dir → bytes
  const byTopLevel: Record<string, number> = {};
  const visit = (name: string, from: string): number => {
    const dir = resolvePackage(name, from, nodeModules);
    if (!dir || seen.has(dir)) return 0;
    seen.set(dir, 0);
    const own = dirBytes(dir, true);
    seen.set(dir, own);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    let total = own;
    for (const dep of Object.keys(pkg.dependencies ?? {})) total += visit(dep, dir);
    return total;
  };
  for (const root of roots) byTopLevel[root] = visit(root, nodeModules);
  return { packages: seen.size, bytes: [...seen.values()].reduce((a, b) => a + b, 0), byTopLevel };
}

function resolvePackage(name: string, from: string, nodeModules: string): string | undefined {
  for (let dir = from; dir.startsWith(dirname(nodeModules)); dir = dirname(dir)) {
    const candidate = join(dir.endsWith('node_modules') ? dir : join(dir, 'node_modules'), name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(dir)) break;
  }
  return undefined;
}

/** Bytes of a package's files, not counting packages nested in its own node_modules (visited separately). */
function dirBytes(dir: string, top: boolean): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' && top) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path, false);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}
