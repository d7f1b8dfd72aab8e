// `--target file`: NDJSON to a file (gzip when it ends in .gz) or stdout. A record is acknowledged
// when it is handed to the stream; lines are batched and a full stream makes the run wait.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { UserError } from '../common/user-error.js';
import type { Outcomes } from './outcomes.js';
import type { Target } from './target.js';

const BATCH_LINES = 1024;

export async function fileTarget(path: string, outcomes: Outcomes): Promise<Target> {
  const toStdout = path === '-';
  const file: Writable = toStdout ? process.stdout : createWriteStream(path);
  if (!toStdout) {
    try {
      await once(file, 'open');
    } catch (err) {
      throw new UserError('--out', path, `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  const gzip = path.endsWith('.gz') ? createGzip() : undefined;
  const out: Writable = gzip ?? file;
  gzip?.pipe(file, { end: !toStdout });
  let failure: Error | undefined;
  file.on('error', (err: Error) => (failure ??= err));
  out.on('error', (err: NodeJS.ErrnoException) => (failure ??= err));
  let chunk = '';
  let lines = 0;
  const write = (): void | Promise<void> => {
    if (failure) throw new UserError('--out', path, `write failed: ${failure.message}`);
    const text = chunk;
    chunk = '';
    lines = 0;
    if (out.write(text)) return undefined;
    return once(out, 'drain').then(() => undefined);
  };
  let disposed = false;
  return {
    info: { kind: 'file', stream: null, region: null, endpoint: null, path },
    send(vehicleId, seq, json) {
      chunk += json;
      chunk += '\n';
      outcomes.ackedNow(vehicleId, seq);
      return ++lines >= BATCH_LINES ? write() : undefined;
    },
    async finish() {
      if (lines > 0) await write();
      if (gzip) gzip.end();
      else if (!toStdout) file.end();
      if (!toStdout) await once(file, 'close');
      else if (gzip) await once(gzip, 'end');
      if (failure) throw new UserError('--out', path, `write failed: ${failure.message}`);
    },
    throttledAttempts: () => 0,
    shards: () => [],
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (!toStdout) file.destroy();
    },
  };
}
