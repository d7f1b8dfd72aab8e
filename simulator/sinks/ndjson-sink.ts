// NDJSON into a writable stream as Buffers: runs of consecutive lines the runner wrote as bytes
// (readings and most events) go out as slices of its own chunks (no copy, no string), the few other
// events as their JSON line; one write per batch, and the run waits while the stream is full.
import type { Writable } from 'node:stream';
import type { EventSink } from '../events/event.js';

const BATCH_BYTES = 256 * 1024;

export interface NdjsonSink extends EventSink {
  /** Writes what is batched; resolves when the stream can take more (or has closed). */
  flush(): Promise<void> | undefined;
}

export interface NdjsonSinkOptions {
  /** Stop waiting for 'drain' once aborted (the run is ending). */
  signal?: AbortSignal;
  batchBytes?: number;
}

export function createNdjsonSink(out: Writable, { signal, batchBytes = BATCH_BYTES }: NdjsonSinkOptions = {}): NdjsonSink {
  let parts: Buffer[] = [];
  let size = 0;
  // The open run: runBuf[runStart, runEnd) is lines written back to back by the runner.
  let runBuf: Buffer | undefined;
  let runStart = 0;
  let runEnd = 0;

  const closeRun = () => {
    if (runBuf) parts.push(runBuf.subarray(runStart, runEnd));
    runBuf = undefined;
  };
  const flush = (): Promise<void> | undefined => {
    closeRun();
    if (parts.length === 0) return undefined;
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (out.destroyed || out.write(data)) return undefined; // a reader gone away (EPIPE) ends the run elsewhere
    return new Promise((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
      signal?.addEventListener('abort', done);
      if (signal?.aborted) done();
    });
  };
  const added = (n: number) => {
    size += n;
    return size >= batchBytes ? flush() : undefined;
  };
  /** A reading's or event's line buf[start, end) and its newline: extends the open run when it follows it. */
  const line = (buf: Buffer, start: number, end: number) => {
    if (buf === runBuf && start === runEnd) runEnd = end + 1;
    else {
      closeRun();
      runBuf = buf;
      runStart = start;
      runEnd = end + 1; // with its newline
    }
    return added(end + 1 - start);
  };
  return {
    write(_event, json) {
      closeRun();
      const line = Buffer.from(`${json}\n`);
      parts.push(line);
      return added(line.length);
    },
    keepsTelemetryBytes: true, // the runs above are slices of the runner's chunks until the next flush
    writeTelemetryBytes: line,
    writeEventBytes: line,
    flush,
  };
}
