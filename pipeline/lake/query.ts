import { relative, sep } from 'node:path';
import { DuckDBInstance, JsonDuckDBValueConverter, type DuckDBConnection, type DuckDBValueConverter, type Json } from '@duckdb/node-api';
import { UserError } from '../../common/user-error.js';
import { inspectLake, type LakeFiles } from './lake-files.js';

export type { UnreadableObject } from './lake-files.js';

export interface LakeConnection {
  connection: DuckDBConnection;
  /** The objects found, checked before DuckDB reads them. */
  files: LakeFiles;
  /**
   * Runs SQL against the `events` and `errors` views; rows as JSON values, BIGINT as a number
   * (a string only beyond 2^53). An object DuckDB cannot read is set aside and named in
   * `files.unreadable`, and the query runs again without it.
   */
  query(sql: string): Promise<QueryResult>;
  close(): void;
}

export interface QueryResult {
  columns: string[];
  rows: Json[][];
}

/** The error output's record shape, given explicitly so no file's content can change it. */
const ERROR_COLUMNS =
  "{attemptsMade: 'INTEGER', arrivalTimestamp: 'BIGINT', errorCode: 'VARCHAR', errorMessage: 'VARCHAR', attemptEndingTimestamp: 'BIGINT', rawData: 'VARCHAR', lambdaArn: 'VARCHAR'}";

// Errors in the SQL itself: reading the files again would not help.
const SQL_ERROR = /^(Parser|Binder|Catalog|Not implemented) Error/;

/**
 * Opens DuckDB over a lake folder with two views:
 * - `events`: every delivered event (GZIP NDJSON and Parquet), with the hive folders
 *   (event_type, year, month, day, hour) as columns;
 * - `errors`: every error-output record, with `error_output_type` from its folder and the
 *   `vehicle_id`, `seq` and `event_uuid` decoded from `rawData` where it is a JSON event.
 * A folder that does not exist reads as an empty lake; unreadable objects are skipped and named.
 */
export async function openLake(root: string): Promise<LakeConnection> {
  const files = await inspectLake(root);
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  // Any read can meet a bad object, even creating the views (DuckDB samples the files for their schema).
  const tolerant = async <T>(attempt: () => Promise<T>): Promise<T> => {
    try {
      return await attempt();
    } catch (err) {
      if (SQL_ERROR.test((err as Error).message) || !(await setAsideUnreadable(connection, files))) throw err;
    }
    await createViews(connection, files);
    return attempt();
  };
  await tolerant(() => createViews(connection, files));

  return {
    connection,
    files,
    async query(sql) {
      try {
        return await tolerant(async () => {
          const reader = await connection.runAndReadAll(sql);
          return { columns: reader.columnNames(), rows: reader.convertRows(toJson) };
        });
      } catch (err) {
        throw new UserError('sql', sql, (err as Error).message.split('\n')[0]);
      }
    },
    close() {
      connection.closeSync();
      db.closeSync();
    },
  };
}

/** A DuckDB list literal of file paths. */
function fileList(paths: readonly string[]): string {
  return `[${paths.map(quote).join(', ')}]`;
}

function ndjsonEventsSource(paths: readonly string[]): string {
  return `read_json_auto(${fileList(paths)}, hive_partitioning = true, union_by_name = true, compression = 'gzip', format = 'newline_delimited')`;
}

export function parquetEventsSource(paths: readonly string[]): string {
  return `read_parquet(${fileList(paths)}, hive_partitioning = true, union_by_name = true)`;
}

/** Delivered NDJSON read as just the columns verify needs, without schema detection. */
export function ndjsonDeliveredColumns(paths: readonly string[]): string {
  return `read_json(${fileList(paths)}, columns = {event_uuid: 'VARCHAR', vehicle_id: 'VARCHAR', seq: 'VARCHAR'}, compression = 'gzip', format = 'newline_delimited')`;
}

function errorsSource(paths: readonly string[]): string {
  return `read_json(${fileList(paths)}, columns = ${ERROR_COLUMNS}, filename = true, compression = 'gzip', format = 'newline_delimited')`;
}

async function createViews(connection: DuckDBConnection, files: LakeFiles): Promise<void> {
  const eventSources: string[] = [];
  if (files.eventsNdjson.length > 0) eventSources.push(`SELECT * FROM ${ndjsonEventsSource(files.eventsNdjson)}`);
  if (files.eventsParquet.length > 0) eventSources.push(`SELECT * FROM ${parquetEventsSource(files.eventsParquet)}`);
  await connection.run(
    `CREATE OR REPLACE VIEW events AS ${
      eventSources.length > 0
        ? eventSources.join(' UNION ALL BY NAME ')
        : 'SELECT NULL::VARCHAR AS event_uuid, NULL::VARCHAR AS event_name, NULL::VARCHAR AS vehicle_id, NULL::BIGINT AS seq, NULL::VARCHAR AS event_type WHERE false'
    }`,
  );
  const raw = 'TRY(decode(from_base64(rawData)))';
  await connection.run(
    `CREATE OR REPLACE VIEW errors AS ${
      files.errors.length > 0
        ? `SELECT regexp_extract(filename, '/errors/([^/]+)/', 1) AS error_output_type, * EXCLUDE (filename),
             TRY(json_extract_string(${raw}, '$.vehicle_id')) AS vehicle_id,
             TRY_CAST(json_extract(${raw}, '$.seq') AS BIGINT) AS seq,
             TRY(json_extract_string(${raw}, '$.event_uuid')) AS event_uuid
           FROM ${errorsSource(files.errors)}`
        : `SELECT NULL::VARCHAR AS error_output_type, NULL::INTEGER AS attemptsMade, NULL::BIGINT AS arrivalTimestamp, NULL::VARCHAR AS errorCode,
             NULL::VARCHAR AS errorMessage, NULL::BIGINT AS attemptEndingTimestamp, NULL::VARCHAR AS rawData, NULL::VARCHAR AS lambdaArn,
             NULL::VARCHAR AS vehicle_id, NULL::BIGINT AS seq, NULL::VARCHAR AS event_uuid WHERE false`
    }`,
  );
}

/**
 * Reads every object on its own to find those DuckDB fails on, moves them from `files` to
 * `files.unreadable`, and says whether it found any.
 */
async function setAsideUnreadable(connection: DuckDBConnection, files: LakeFiles): Promise<boolean> {
  const before = files.unreadable.length;
  files.eventsNdjson = await keepReadable(connection, files, files.eventsNdjson, (list) => `SELECT count(*) FROM ${ndjsonEventsSource(list)}`);
  files.eventsParquet = await keepReadable(connection, files, files.eventsParquet, (list) => `SELECT * FROM ${parquetEventsSource(list)}`);
  files.errors = await keepReadable(connection, files, files.errors, (list) => `SELECT count(*) FROM ${errorsSource(list)}`);
  return files.unreadable.length > before;
}

/**
 * Runs `sql` for each path alone; the paths it fails for are added to `files.unreadable` with
 * DuckDB's reason. Returns the paths that worked.
 */
export async function keepReadable(
  connection: DuckDBConnection,
  files: LakeFiles,
  paths: readonly string[],
  sql: (list: string[]) => string,
): Promise<string[]> {
  const readable: string[] = [];
  for (const path of paths) {
    try {
      await connection.run(sql([path]));
      readable.push(path);
    } catch (err) {
      files.unreadable.push({ key: relative(files.root, path).split(sep).join('/'), reason: (err as Error).message.split('\n')[0].trim() });
    }
  }
  return readable;
}

/** DuckDB's JSON conversion, except that a BIGINT (or wider) is a number while it is exact. */
const toJson: DuckDBValueConverter<Json> = (value, type) => {
  if (typeof value === 'bigint') return value >= -MAX_EXACT && value <= MAX_EXACT ? Number(value) : String(value);
  return JsonDuckDBValueConverter(value, type, toJson);
};
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
