import { UserError } from '../../common/user-error.js';
import type { LakeEncryption } from './lake-bucket.js';
import type { PipelineStackProps } from './pipeline-stack.js';

/** Reads `-c key=value` (always strings) or cdk.json context (typed) into stack props, refusing bad values by name. */
export function propsFromContext(context: (key: string) => unknown): PipelineStackProps {
  const props: PipelineStackProps = {};
  const shards = context('shards');
  if (shards !== undefined && shards !== 'on-demand') {
    const count = Number(shards);
    if (!Number.isInteger(count) || count < 1) throw new UserError('context shards', shards, 'must be "on-demand" or a positive integer');
    props.shardCount = count;
  }
  const encryption = context('encryption');
  if (encryption !== undefined) {
    if (encryption !== 'kms' && encryption !== 's3-managed') throw new UserError('context encryption', encryption, 'must be "kms" or "s3-managed"');
    props.encryption = encryption as LakeEncryption;
  }
  for (const name of ['versioned', 'parquet'] as const) {
    const value = context(name);
    if (value === undefined) continue;
    if (![true, false, 'true', 'false'].includes(value as string | boolean)) throw new UserError(`context ${name}`, value, 'must be true or false');
    props[name] = value === true || value === 'true';
  }
  const fleetImage = context('fleetImage');
  if (fleetImage !== undefined) {
    if (typeof fleetImage !== 'string' || !/^\S+$/.test(fleetImage)) throw new UserError('context fleetImage', fleetImage, 'must be an image URI such as 123456789012.dkr.ecr.us-west-2.amazonaws.com/sdfleet:0.1.0');
    props.fleetImage = fleetImage;
  }
  return props;
}
