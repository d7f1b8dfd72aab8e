import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export type LakeEncryption = 'kms' | 's3-managed';

export interface LakeBucket {
  bucket: s3.Bucket;
  /** The customer-managed key, when `encryption` is `kms`. */
  key?: kms.Key;
}

/** The lake bucket: encrypted, private, TLS-only; kept when the stack is deleted (it holds the data). */
export function createLakeBucket(scope: Construct, options: { encryption: LakeEncryption; versioned: boolean }): LakeBucket {
  const key =
    options.encryption === 'kms'
      ? new kms.Key(scope, 'LakeKey', { description: 'sdfleet lake objects', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN })
      : undefined;
  const bucket = new s3.Bucket(scope, 'LakeBucket', {
    encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: key,
    // One data key per bucket instead of one KMS call per object: Firehose writes many objects.
    bucketKeyEnabled: key !== undefined,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: options.versioned,
    lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { bucket, key };
}
