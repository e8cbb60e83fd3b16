import { str, type ResourceModel, type ResourceTypeDefinition } from '../resource-type';

const REGIONAL_DOMAIN = /\.s3[.-](?:dualstack\.)?([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/;
const WEBSITE = /\.s3-website[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/;

/** A bucket's region from the domain names in its model, when present. */
function bucketRegion(model: ResourceModel): string | undefined {
  for (const key of ['RegionalDomainName', 'DualStackDomainName']) {
    const m = str(model, key)?.match(REGIONAL_DOMAIN);
    if (m) return m[1];
  }
  return str(model, 'WebsiteURL')?.match(WEBSITE)?.[1];
}

/**
 * S3 buckets: the list handler returns every bucket of the account whatever the region called, and
 * GetResource succeeds only in the bucket's own region.
 */
export const s3Bucket: ResourceTypeDefinition = {
  type: 'AWS::S3::Bucket',
  permissions: {
    list: ['s3:ListAllMyBuckets'],
    read: [
      's3:GetAccelerateConfiguration',
      's3:GetLifecycleConfiguration',
      's3:GetBucketPublicAccessBlock',
      's3:GetAnalyticsConfiguration',
      's3:GetBucketCORS',
      's3:GetEncryptionConfiguration',
      's3:GetInventoryConfiguration',
      's3:GetBucketLogging',
      's3:GetMetricsConfiguration',
      's3:GetBucketNotification',
      's3:GetBucketVersioning',
      's3:GetReplicationConfiguration',
      's3:GetBucketWebsite',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketTagging',
      's3:GetBucketOwnershipControls',
      's3:GetIntelligentTieringConfiguration',
      's3:GetBucketMetadataTableConfiguration',
      's3:ListBucket',
    ],
  },
  listScope: 'account',
  partialList: true,
  regionOf: bucketRegion,
  arn: (m, id, ctx) => str(m, 'Arn') ?? `arn:${ctx.partition}:s3:::${str(m, 'BucketName') ?? id}`,
  name: (m, id) => str(m, 'BucketName') ?? id,
  relationships: () => [],
};
