import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { EVENT_CATALOG } from '../../simulator/events/catalog.js';

export interface LakeTableOptions {
  bucket: s3.IBucket;
  databaseName: string;
  tableName: string;
  /** Parquet (Firehose record format conversion) instead of GZIP NDJSON. */
  parquet: boolean;
  /** Values of the event_type partition; default: every type the simulator emits. */
  eventTypes?: readonly string[];
  /** First and last year Athena's projection covers. */
  years: readonly [number, number];
  /** Columns beyond the event contract and telemetry (other event types' fields), as Glue name → Hive type. */
  extraColumns?: Readonly<Record<string, string>>;
}

/** The event contract (DESIGN.md) plus the transform's added fields. event_type is a partition, not a column. */
const CONTRACT_COLUMNS: Record<string, string> = {
  event_uuid: 'string',
  event_name: 'string',
  created_at: 'double',
  created_datetime: 'string',
  event_subtype: 'string',
  vehicle_id: 'string',
  seq: 'bigint',
};

/** `vehicle:telemetry` fields (simulator/events/event.ts TelemetryEvent), the bulk of the lake; null on other events. */
const TELEMETRY_COLUMNS: Record<string, string> = {
  vehicle_class: 'string',
  trip_id: 'string',
  lat: 'double',
  lon: 'double',
  heading_deg: 'double',
  speed_kmh: 'double',
  accel_mps2: 'double',
  odometer_km: 'double',
  road: 'string',
  speed_limit_kmh: 'double',
  co2_g: 'double',
  nox_g: 'double',
  pm25_g: 'double',
  co_g: 'double',
  hc_g: 'double',
  fuel_g: 'double',
  fuel_level_pct: 'double',
  energy_wh: 'double',
  soc_pct: 'double',
};

const PARTITIONS = ['event_type', 'year', 'month', 'day', 'hour'] as const;

export function defaultEventTypes(): string[] {
  return [...new Set(EVENT_CATALOG.map((name) => name.split(':')[0]))].sort();
}

/**
 * Glue database and table over `events/`, with partition projection so Athena finds the
 * Firehose-written partitions without crawlers or MSCK REPAIR.
 */
export function createLakeTable(scope: Construct, options: LakeTableOptions): { database: glue.CfnDatabase; table: glue.CfnTable } {
  const database = new glue.CfnDatabase(scope, 'LakeDatabase', {
    catalogId: Aws.ACCOUNT_ID,
    databaseInput: { name: options.databaseName, description: 'sdfleet data lake' },
  });
  const location = `s3://${options.bucket.bucketName}/events/`;
  const columns = { ...CONTRACT_COLUMNS, ...TELEMETRY_COLUMNS, ...options.extraColumns };
  const format = options.parquet
    ? {
        inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      }
    : {
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
      };
  const [firstYear, lastYear] = options.years;
  const table = new glue.CfnTable(scope, 'LakeTable', {
    catalogId: Aws.ACCOUNT_ID,
    databaseName: options.databaseName,
    tableInput: {
      name: options.tableName,
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: options.parquet ? 'parquet' : 'json',
        'projection.enabled': 'true',
        'projection.event_type.type': 'enum',
        'projection.event_type.values': (options.eventTypes ?? defaultEventTypes()).join(','),
        'projection.year.type': 'integer',
        'projection.year.range': `${firstYear},${lastYear}`,
        'projection.month.type': 'integer',
        'projection.month.range': '1,12',
        'projection.month.digits': '2',
        'projection.day.type': 'integer',
        'projection.day.range': '1,31',
        'projection.day.digits': '2',
        'projection.hour.type': 'integer',
        'projection.hour.range': '0,23',
        'projection.hour.digits': '2',
        'storage.location.template': `${location}${PARTITIONS.map((p) => `${p}=\${${p}}`).join('/')}/`,
      },
      partitionKeys: PARTITIONS.map((name) => ({ name, type: 'string' })),
      storageDescriptor: {
        location,
        columns: Object.entries(columns).map(([name, type]) => ({ name, type })),
        ...format,
      },
    },
  });
  table.node.addDependency(database);
  return { database, table };
}
