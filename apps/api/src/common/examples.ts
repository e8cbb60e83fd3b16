// Example values the OpenAPI document shows; one place so they stay consistent with each other.
export const EXAMPLE_TENANT_ID = '3f0e8b1c-2a4d-4c6e-9f10-1a2b3c4d5e6f';
export const EXAMPLE_CONNECTION_ID = '7c9d2e4f-5a6b-4c8d-9e0f-a1b2c3d4e5f6';
const EXAMPLE_RUN_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
export const EXAMPLE_AT = '2026-11-24T10:00:00.000Z';

export const EXAMPLE_TENANT = {
  id: EXAMPLE_TENANT_ID,
  name: 'Acme Corp',
  createdAt: EXAMPLE_AT,
  updatedAt: EXAMPLE_AT,
};

export const EXAMPLE_RUN = {
  id: EXAMPLE_RUN_ID,
  tenantId: EXAMPLE_TENANT_ID,
  connectionId: EXAMPLE_CONNECTION_ID,
  trigger: 'manual',
  status: 'queued',
  createdAt: EXAMPLE_AT,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  tasksTotal: 0,
  tasksDone: 0,
  tasksFailed: 0,
  resourcesSeen: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  apiCalls: 0,
  error: null,
};

export const EXAMPLE_RESOURCE = {
  id: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
  provider: 'aws',
  type: 'AWS::S3::Bucket',
  identifier: 'acme-logs',
  arn: 'arn:aws:s3:::acme-logs',
  name: 'acme-logs',
  accountId: '123456789012',
  region: 'eu-west-1',
  tags: { env: 'prod', team: 'platform' },
  relationships: [],
  properties: {
    BucketName: 'acme-logs',
    Tags: [
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'platform' },
    ],
  },
  firstSeenAt: EXAMPLE_AT,
  lastSeenAt: EXAMPLE_AT,
  updatedAt: EXAMPLE_AT,
  deletedAt: null,
};
