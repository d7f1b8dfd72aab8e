import { mkdir, open, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint } from './checkpoint-tracker.js';

/**
 * Durable per-shard checkpoints: `<dir>/<shardId>.json`, each replaced atomically (write a temp
 * file, fsync, rename) so a crash leaves either the old or the new checkpoint, never half of one.
 */
export class CheckpointStore {
  constructor(private readonly dir: string) {}

  async loadAll(): Promise<Map<string, Checkpoint>> {
    const out = new Map<string, Checkpoint>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const checkpoint = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as Checkpoint;
      out.set(checkpoint.shardId, checkpoint);
    }
    return out;
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${checkpoint.shardId}.json`);
    const temp = `${path}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(checkpoint));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  }
}
