import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { UserError } from '../../common/user-error.js';
import { checkKey, type Bucket } from './bucket.js';

/** Where `sdfleet` keeps a filesystem bucket by default: `./data/lake/<bucket>`. */
export function defaultLakeRoot(bucket: string, cwd = process.cwd()): string {
  return resolve(cwd, 'data', 'lake', bucket);
}

/**
 * A bucket that is a folder: key `a/b/c.gz` is the file `<root>/a/b/c.gz`. Objects appear
 * atomically (temp file + rename) so a concurrent DuckDB query never reads half an object.
 */
export class FilesystemBucket implements Bucket {
  readonly location: string;
  readonly localRoot: string;

  constructor(root: string) {
    this.localRoot = resolve(root);
    this.location = this.localRoot;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, body);
    await rename(temp, path);
  }

  async get(key: string): Promise<Uint8Array> {
    return readFile(this.pathOf(key));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    await this.walk(this.localRoot, keys);
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  private async walk(dir: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(full, out);
      else if (!entry.name.endsWith('.tmp')) out.push(relative(this.localRoot, full).split(sep).join('/'));
    }
  }

  private pathOf(key: string): string {
    checkKey(key);
    const path = resolve(this.localRoot, key);
    if (key.startsWith('/') || !path.startsWith(this.localRoot + sep)) {
      throw new UserError('key', key, 'must be a relative object key inside the bucket');
    }
    return path;
  }
}
