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
  listScope: 'account',
  partialList: true,
  regionOf: bucketRegion,
  arn: (m, id, ctx) => str(m, 'Arn') ?? `arn:${ctx.partition}:s3:::${str(m, 'BucketName') ?? id}`,
  name: (m, id) => str(m, 'BucketName') ?? id,
  relationships: () => [],
};
