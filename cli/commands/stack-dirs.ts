import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../common/user-error.js';
import { CheckpointStore } from '../../pipeline/delivery/checkpoint-store.js';
import { defaultDeliveryStreamName } from '../../pipeline/delivery/delivery-stream.js';
import { prepareStreamStore } from '../../pipeline/stream/stream-store.js';

/** The flags of `sdfleet stack` that say where its data lives. */
export interface StackDirFlags {
  stream: string;
  dataDir: string;
  memory?: boolean;
  fresh?: boolean;
  delivery?: boolean;
  lake?: string;
  checkpointDir?: string;
}

export interface StackDirs {
  /** LevelDB folder of the stream; undefined with --memory. */
  stream?: string;
  checkpoints: string;
  lake: string;
  /** Removes the temporary checkpoint folder of --memory. */
  cleanup(): Promise<void>;
}

/** Where the stream, checkpoints and lake live; `--fresh` empties what sdfleet stored there. */
export async function prepareDirs(flags: StackDirFlags): Promise<StackDirs> {
  const stream = flags.memory ? undefined : join(flags.dataDir, 'stream');
  if (flags.checkpointDir !== undefined) await assertFolder('--checkpoint-dir', flags.checkpointDir);
  if (stream) await prepareStreamStore(stream, { fresh: flags.fresh, label: '--data-dir' });
  const temporary = flags.memory && flags.delivery && flags.checkpointDir === undefined ? await mkdtemp(join(tmpdir(), 'sdfleet-checkpoints-')) : undefined;
  const checkpoints = temporary ?? flags.checkpointDir ?? join(flags.dataDir, 'checkpoints');
  if (flags.fresh) await new CheckpointStore(join(checkpoints, defaultDeliveryStreamName(flags.stream))).clear();
  return {
    stream,
    checkpoints,
    lake: flags.lake ?? join(flags.dataDir, 'lake', 'sdfleet-lake'),
    cleanup: async () => {
      if (temporary) await rm(temporary, { recursive: true, force: true });
    },
  };
}

async function assertFolder(flag: string, path: string): Promise<void> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw new UserError(flag, path, 'is below a file, not a folder');
    throw err;
  });
  if (info && !info.isDirectory()) throw new UserError(flag, path, 'is a file, not a folder');
}

