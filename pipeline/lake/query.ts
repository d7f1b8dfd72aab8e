import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Json } from '@duckdb/node-api';
import { UserError } from '../../common/user-error.js';
import { FilesystemBucket } from './fs-bucket.js';

export interface LakeConnection {
  connection: DuckDBConnection;
  /** Runs SQL against the `events` and `errors` views; rows as JSON-safe values (BIGINT as string). */
  query(sql: string): Promise<QueryResult>;
  close(): void;
}

export interface QueryResult {
  columns: string[];
  rows: Json[][];
}

const ERROR_COLUMNS =
  "{attemptsMade: 'INTEGER', arrivalTimestamp: 'BIGINT', errorCode: 'VARCHAR', errorMessage: 'VARCHAR', attemptEndingTimestamp: 'BIGINT', rawData: 'VARCHAR', lambdaArn: 'VARCHAR'}";

/**
 * Opens DuckDB over a lake folder with two views:
 * - `events`: every delivered event (GZIP NDJSON and Parquet), with the hive folders
 *   (event_type, year, month, day, hour) as columns;
 * - `errors`: every error-output record, with `error_output_type` from its folder and the
 *   `vehicle_id`, `seq` and `event_uuid` decoded from `rawData` where it is a JSON event.
 */
export async function openLake(root: string): Promise<LakeConnection> {
  const keys = await new FilesystemBucket(root).list('');
  const has = (prefix: string, ext: string) => keys.some((k) => k.startsWith(prefix) && k.endsWith(ext));
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const glob = (path: string) => quote(`${root}/${path}`);

  const eventSources: string[] = [];
  if (has('events/', '.json.gz')) eventSources.push(`SELECT * FROM read_json_auto(${glob('events/**/*.json.gz')}, hive_partitioning = true, union_by_name = true)`);
  if (has('events/', '.parquet')) eventSources.push(`SELECT * FROM read_parquet(${glob('events/**/*.parquet')}, hive_partitioning = true, union_by_name = true)`);
  await connection.run(
    `CREATE VIEW events AS ${
      eventSources.length > 0
        ? eventSources.join(' UNION ALL BY NAME ')
        : 'SELECT NULL::VARCHAR AS event_uuid, NULL::VARCHAR AS event_name, NULL::VARCHAR AS vehicle_id, NULL::BIGINT AS seq, NULL::VARCHAR AS event_type WHERE false'
    }`,
  );
  const raw = 'TRY(decode(from_base64(rawData)))';
  await connection.run(
    `CREATE VIEW errors AS ${
      has('errors/', '.json.gz')
        ? `SELECT regexp_extract(filename, '/errors/([^/]+)/', 1) AS error_output_type, * EXCLUDE (filename),
             TRY(json_extract_string(${raw}, '$.vehicle_id')) AS vehicle_id,
             TRY_CAST(json_extract(${raw}, '$.seq') AS BIGINT) AS seq,
             TRY(json_extract_string(${raw}, '$.event_uuid')) AS event_uuid
           FROM read_json(${glob('errors/**/*.json.gz')}, columns = ${ERROR_COLUMNS}, filename = true)`
        : `SELECT NULL::VARCHAR AS error_output_type, NULL::INTEGER AS attemptsMade, NULL::BIGINT AS arrivalTimestamp, NULL::VARCHAR AS errorCode,
             NULL::VARCHAR AS errorMessage, NULL::BIGINT AS attemptEndingTimestamp, NULL::VARCHAR AS rawData, NULL::VARCHAR AS lambdaArn,
             NULL::VARCHAR AS vehicle_id, NULL::BIGINT AS seq, NULL::VARCHAR AS event_uuid WHERE false`
    }`,
  );

  return {
    connection,
    async query(sql) {
      let reader;
      try {
        reader = await connection.runAndReadAll(sql);
      } catch (err) {
        throw new UserError('sql', sql, (err as Error).message.split('\n')[0]);
      }
      return { columns: reader.columnNames(), rows: reader.getRowsJson() };
    },
    close() {
      connection.closeSync();
      db.closeSync();
    },
  };
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
