import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import leveldown from 'leveldown';
import { UserError } from '../../common/user-error.js';

/** Written into a stream folder sdfleet created: only such a folder is ever deleted (`fresh`). */
export const STREAM_MARKER = '.sdfleet-stream';

export interface StreamStoreOptions {
  /** Delete the stored streams first (only from a folder that carries the marker). */
  fresh?: boolean;
  /** How the folder is named in errors, e.g. the flag that chose it. */
  label?: string;
}

/**
 * Prepares the LevelDB folder of an on-disk local stream: creates and marks it, or checks that an
 * existing one is sdfleet's and not open in another process. Bad folders are user errors.
 */
export async function prepareStreamStore(dir: string, options: StreamStoreOptions = {}): Promise<void> {
  const label = options.label ?? 'stream folder';
  const entries = await listFolder(dir, label);
  const ours = entries?.includes(STREAM_MARKER) ?? false;
  if (entries && entries.length > 0 && !ours) {
    throw new UserError(label, dir, `holds files sdfleet did not create (no ${STREAM_MARKER}); pick an empty or new folder`);
  }
  await assertNotInUse(dir, entries, label);
  if (ours && options.fresh) await rm(dir, { recursive: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, STREAM_MARKER), 'LevelDB of a local Kinesis made by `sdfleet stack`; `--fresh` deletes it\n');
}

/** The folder's entries; undefined when it does not exist. */
async function listFolder(dir: string, label: string): Promise<string[] | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new UserError(label, dir, 'is not a folder');
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UserError(label, dir, 'is below a file, not a folder');
    throw err;
  }
}

/** kinesalite would crash on a LevelDB another process holds: open it once here to find out. */
async function assertNotInUse(dir: string, entries: string[] | undefined, label: string): Promise<void> {
  if (!entries?.includes('LOCK')) return;
  const db = leveldown(dir);
  const err = await new Promise<Error | undefined>((resolve) => db.open(resolve));
  if (err) throw new UserError(label, dir, `cannot be opened (${err.message}); is another sdfleet stack using it?`);
  await new Promise((resolve) => db.close(resolve));
}
