// A recording as a run's source: NDJSON (gzip by name or magic bytes) or Parquet (via DuckDB).
// Lines are sent exactly as recorded, so seq and event_uuid survive and a replay verifies like
// the original. A bad line names its number and is skipped (counted) or stops the run.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { UserError } from '../common/user-error.js';
import type { Emit, Source, SourceStats } from './source.js';

export type OnBadLine = 'skip' | 'stop';

interface Parsed {
  vehicleId: string;
  seq: number;
  createdAtS: number | undefined;
}

/** Opens the recording now, so an unreadable file is a usage error before anything starts. */
export async function replaySource(path: string, onBadLine: OnBadLine): Promise<Source> {
  let head: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new UserError('--replay', path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const kind = head.toString('latin1') === 'PAR1' ? 'parquet' : head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'ndjson';
  const lines = kind === 'parquet' ? () => parquetLines(path) : () => ndjsonLines(path, kind === 'gzip');
  return {
    name: path,
    seed: null,
    startHour: 0,
    async run(emit, { signal, maxRecords }) {
      return replay(lines(), emit, { path, onBadLine, signal, maxRecords: maxRecords ?? Infinity });
    },
  };
}

async function replay(
  lines: AsyncIterable<string>,
  emit: Emit,
  o: { path: string; onBadLine: OnBadLine; signal: AbortSignal; maxRecords: number },
): Promise<SourceStats> {
  let lineNo = 0;
  let emitted = 0;
  let skippedBadLines = 0;
  for await (const line of lines) {
    lineNo++;
    if (o.signal.aborted || emitted >= o.maxRecords) break;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') {
      if (o.onBadLine === 'stop') throw new UserError('--replay', o.path, `line ${lineNo}: ${parsed} (use --on-bad-line skip to skip such lines)`);
      skippedBadLines++;
      continue;
    }
    emitted++;
    const wait = emit(parsed.vehicleId, parsed.seq, line, parsed.createdAtS);
    if (wait) await wait;
  }
  return { emitted, skippedBadLines };
}

/** The fields a run needs, or what is wrong with the line. */
function parseLine(line: string): Parsed | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const { vehicle_id: vehicleId, seq, created_at: createdAt } = value as Record<string, unknown>;
  if (typeof vehicleId !== 'string' || vehicleId === '') return 'no vehicle_id';
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return 'no seq (an integer ≥ 1)';
  return { vehicleId, seq, createdAtS: typeof createdAt === 'number' ? createdAt : undefined };
}

async function* ndjsonLines(path: string, gzip: boolean): AsyncIterable<string> {
  const file = createReadStream(path);
  const input = gzip ? file.pipe(createGunzip()) : file;
  file.on('error', (err) => input.destroy(err));
  try {
    yield* createInterface({ input, crlfDelay: Infinity });
  } catch (err) {
    throw new UserError('--replay', path, `cannot be read: ${(err as Error).message}`);
  } finally {
    file.destroy();
  }
}

/** Each Parquet row as its JSON object text, streamed in DuckDB chunks. */
async function* parquetLines(path: string): AsyncIterable<string> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    let result;
    try {
      result = await connection.stream(`SELECT to_json(t)::VARCHAR FROM read_parquet('${path.replaceAll("'", "''")}') t`);
    } catch (err) {
      throw new UserError('--replay', path, `is not readable Parquet: ${(err as Error).message.split('\n')[0]}`);
    }
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const [text] of chunk.getRows()) yield String(text);
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
