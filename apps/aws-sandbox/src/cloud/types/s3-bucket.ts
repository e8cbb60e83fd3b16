// AWS::S3::Bucket (primary identifier BucketName). Listing returns every bucket of the account
// whatever the region; reading works only in the bucket's home region.
import { pick, type Rng } from '../util/hash';
import {
  base36Token,
  parseBase36Token,
  type GenerateInput,
  type Model,
  type ResourceTypeModule,
} from './resource-type';
import { withTags } from './tags';

const PURPOSES = [
  'app-logs',
  'data-lake',
  'backups',
  'static-site',
  'build-artifacts',
  'analytics',
  'uploads',
  'cloudtrail',
];

function website(name: string, region: string): string {
  return `http://${name}.s3-website-${region}.amazonaws.com`;
}

function encryption(rng: Rng, accountId: string, region: string): Model {
  const kms = rng() < 0.3;
  const byDefault: Model = kms
    ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: `arn:aws:kms:${region}:${accountId}:alias/aws/s3` }
    : { SSEAlgorithm: 'AES256' };
  return {
    ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: kms, ServerSideEncryptionByDefault: byDefault }],
  };
}

export const s3Bucket: ResourceTypeModule = {
  typeName: 'AWS::S3::Bucket',
  identifierProperty: 'BucketName',
  listsEveryRegion: true,
  partialListModel: false,
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
  formatIdentifier: (value, rng, accountId) =>
    `${pick(rng, PURPOSES)}-${accountId.slice(-6)}-${base36Token(value)}`,
  parseIdentifier: parseBase36Token,
  generate({ accountId, region, identifier, rng, tags }: GenerateInput): Model {
    const model: Model = {
      BucketName: identifier,
      BucketEncryption: encryption(rng, accountId, region),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    };
    if (rng() < 0.5) model.VersioningConfiguration = { Status: rng() < 0.85 ? 'Enabled' : 'Suspended' };
    if (rng() < 0.3) {
      model.LifecycleConfiguration = {
        Rules: [{ Id: 'expire-old-objects', Status: 'Enabled', ExpirationInDays: pick(rng, [30, 90, 365]) }],
      };
    }
    return withTags(this.derive(model, accountId, region), tags);
  },
  derive(model, _accountId, region) {
    const name = String(model.BucketName);
    return {
      ...model,
      Arn: `arn:aws:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
      DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
      WebsiteURL: website(name, region),
    };
  },
  listModel: (full) => full,
};
