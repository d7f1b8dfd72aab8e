// Readings from real sensors: NDJSON on stdin, in a file (or FIFO), or from a UNIX socket the
// sensor daemon serves. Each line is validated on its own; a bad one is reported and skipped.
import { createReadStream, statSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { UserError } from '../common/user-error.js';
import { parseReadingLine } from './reading.js';
import type { ReadingSink, Source } from './source.js';

export function createNdjsonSource(spec: string, nextSeq: (vehicleId: string) => number, stdin: Readable = process.stdin): Source {
  const open = (): Readable => {
    if (spec === '-') return stdin;
    let kind: 'socket' | 'file';
    try {
      kind = statSync(spec).isSocket() ? 'socket' : 'file';
    } catch (err) {
      throw new UserError('--source', spec, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return kind === 'socket' ? connect(spec) : createReadStream(spec);
  };
  return {
    async run(sink: ReadingSink, signal: AbortSignal) {
      const input = open();
      const lines = createInterface({ input, crlfDelay: Infinity });
      const stop = () => lines.close();
      signal.addEventListener('abort', stop, { once: true });
      let n = 0;
      try {
        for await (const line of lines) {
          n++;
          if (line.trim() === '') continue;
          const parsed = parseReadingLine(line, nextSeq);
          if (!parsed.ok) sink.rejected(`${spec === '-' ? 'stdin' : spec}:${n}`, parsed.error);
          else await sink.accept(parsed.reading);
          if (signal.aborted) break;
        }
      } finally {
        signal.removeEventListener('abort', stop);
        if (input !== stdin) input.destroy();
      }
      return signal.aborted ? 'aborted' : 'ended';
    },
  };
}
