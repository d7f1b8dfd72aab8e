import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * Turns NDJSON into a Parquet object through DuckDB (schema inferred per object, as Firehose's
 * conversion would take it from the Glue table). One in-memory DuckDB, opened on first use.
 */
export class ParquetEncoder {
  private connection: Promise<DuckDBConnection> | undefined;
  private dir: Promise<string> | undefined;
  private counter = 0;

  async encode(ndjson: Uint8Array): Promise<Uint8Array> {
    this.connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
    this.dir ??= mkdtemp(join(tmpdir(), 'sdfleet-parquet-'));
    const [connection, dir] = await Promise.all([this.connection, this.dir]);
    const n = this.counter++;
    const input = join(dir, `${n}.json`);
    const output = join(dir, `${n}.parquet`);
    await writeFile(input, ndjson);
    try {
      await connection.run(`COPY (SELECT * FROM read_json_auto('${input}', format = 'newline_delimited')) TO '${output}' (FORMAT parquet)`);
      return await readFile(output);
    } finally {
      await Promise.all([rm(input, { force: true }), rm(output, { force: true })]);
    }
  }

  async close(): Promise<void> {
    if (this.connection) (await this.connection).closeSync();
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }
}
