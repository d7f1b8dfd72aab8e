import { mkdir, open, readFile, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../common/user-error.js';
import type { Checkpoint } from './checkpoint-tracker.js';

/** Which stream the checkpoints were taken on: a sequence number means nothing on another stream. */
export interface StreamIdentity {
  streamArn: string;
  /** ISO time the stream was created (a re-created stream of the same name differs here). */
  createdAt: string;
}

const IDENTITY_FILE = '_stream.json';
const CHECKPOINT_FILE = /^shardId-.+\.json(\.tmp)?$/;

/**
 * Durable per-shard checkpoints: `<dir>/<shardId>.json`, each replaced atomically (write a temp
 * file, fsync, rename) so a crash leaves either the old or the new checkpoint, never half of one.
 * `<dir>/_stream.json` names the stream they belong to.
 */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  async loadAll(): Promise<Map<string, Checkpoint>> {
    const out = new Map<string, Checkpoint>();
    for (const name of (await this.names()).filter((n) => n.endsWith('.json') && n !== IDENTITY_FILE)) {
      const checkpoint = await this.read(name, isCheckpoint, 'a checkpoint ({"shardId","sequenceNumber"?,"finished"})');
      out.set(checkpoint.shardId, checkpoint);
    }
    return out;
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    await this.write(`${checkpoint.shardId}.json`, checkpoint);
  }

  async loadIdentity(): Promise<StreamIdentity | undefined> {
    if (!(await this.names()).includes(IDENTITY_FILE)) return undefined;
    return this.read(IDENTITY_FILE, isIdentity, 'a stream identity ({"streamArn","createdAt"})');
  }

  async saveIdentity(identity: StreamIdentity): Promise<void> {
    await this.write(IDENTITY_FILE, identity);
  }

  /** Deletes the checkpoint files this store writes, and the folder when nothing else is left in it. */
  async clear(): Promise<void> {
    const names = await this.names();
    for (const name of names.filter((n) => n === IDENTITY_FILE || CHECKPOINT_FILE.test(n))) await rm(join(this.dir, name));
    await rmdir(this.dir).catch(() => undefined); // not empty, or already gone: leave it
  }

  private async names(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UserError('checkpoint folder', this.dir, 'is a file or below one, not a folder');
      throw err;
    }
  }

  /** A file's JSON, or a user error naming the file: a hand-edited or truncated checkpoint must not read as a crash. */
  private async read<T>(name: string, valid: (v: unknown) => v is T, what: string): Promise<T> {
    const path = join(this.dir, name);
    const text = await readFile(path, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!valid(value)) throw new UserError(path, text, `is not ${what}; delete it to read that shard again from its oldest record`);
    return value;
  }

  private async write(name: string, value: object): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, name);
    const temp = `${path}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(value));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  }
}

function isCheckpoint(v: unknown): v is Checkpoint {
  const c = v as Partial<Checkpoint> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.shardId === 'string' &&
    (c.sequenceNumber === undefined || typeof c.sequenceNumber === 'string') &&
    typeof c.finished === 'boolean'
  );
}

function isIdentity(v: unknown): v is StreamIdentity {
  const i = v as Partial<StreamIdentity> | null;
  return typeof i === 'object' && i !== null && typeof i.streamArn === 'string' && typeof i.createdAt === 'string';
}
