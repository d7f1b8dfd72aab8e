// `--target file`: NDJSON to a file (gzip when it ends in .gz) or stdout. A record is acknowledged
// when it is handed to the stream; lines are gathered in 256 KiB writes and a full stream makes the run wait.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { UserError } from '../common/user-error.js';
import type { Outcomes } from './outcomes.js';
import type { Target } from './target.js';

const CHUNK_BYTES = 256 * 1024;
// Written once less than this is left: most lines then still fit without a second check.
const FLUSH_MARGIN = 4096;

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
  // Lines are gathered in one buffer and written when it is nearly full: no string or Buffer per line.
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const write = (): void | Promise<void> => {
    if (failure) throw new UserError('--out', path, `write failed: ${failure.message}`);
    const data = chunk.subarray(0, used);
    chunk = Buffer.allocUnsafe(CHUNK_BYTES); // the stream holds `data` until it is written
    used = 0;
    if (out.write(data)) return undefined;
    return once(out, 'drain').then(() => undefined);
  };
  /** Makes room for `bytes` more; a line longer than a chunk gets a chunk of its own. */
  const room = (bytes: number): void | Promise<void> => {
    if (used + bytes <= chunk.length) return undefined;
    const wait = used > 0 ? write() : undefined;
    if (bytes > chunk.length) chunk = Buffer.allocUnsafe(bytes);
    return wait;
  };
  const added = (): void | Promise<void> => (used >= CHUNK_BYTES - FLUSH_MARGIN ? write() : undefined);
  let disposed = false;
  return {
    info: { kind: 'file', stream: null, region: null, endpoint: null, path },
    send(vehicleId, seq, json) {
      const wait = room(json.length * 3 + 1); // at most 3 UTF-8 bytes per UTF-16 unit: no byte count needed
      used += chunk.write(json, used);
      chunk[used++] = 0x0a;
      outcomes.ackedNow(vehicleId, seq);
      return wait ?? added();
    },
    sendBytes(vehicleId, seq, buf, start, end) {
      const wait = room(end - start + 1);
      used += buf.copy(chunk, used, start, end);
      chunk[used++] = 0x0a;
      outcomes.ackedNow(vehicleId, seq);
      return wait ?? added();
    },
    async finish() {
      if (used > 0) await write();
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
