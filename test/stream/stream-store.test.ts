import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../common/user-error.js';
import { STREAM_MARKER, prepareStreamStore } from '../../pipeline/stream/stream-store.js';

describe('prepareStreamStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and marks a new folder, and --fresh empties only a marked one', async () => {
    const store = join(dir, 'stream');
    await prepareStreamStore(store);
    await writeFile(join(store, '000001.log'), 'leveldb');
    await prepareStreamStore(store, { fresh: true });
    expect(await readdir(store)).toEqual([STREAM_MARKER]);
  });

  it('never deletes, or writes into, a folder sdfleet did not create', async () => {
    const theirs = join(dir, 'theirs');
    await mkdir(theirs);
    await writeFile(join(theirs, 'thesis.tex'), 'precious');
    const err = await prepareStreamStore(theirs, { fresh: true, label: '--data-dir' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^--data-dir: holds files sdfleet did not create/);
    expect(await readdir(theirs)).toEqual(['thesis.tex']);
  });

  it('names a file given as the folder', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(prepareStreamStore(join(dir, 'file'), { label: '--data-dir' })).rejects.toThrow(/--data-dir: is not a folder/);
  });
});
