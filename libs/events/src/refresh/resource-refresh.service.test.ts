// The refresh's decisions with small fakes around a real database: found → upsert, not found →
// deleted, and access denied or throttling never delete anything (they throw, the job retries).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AwsCallError,
  getResourceType,
  normalizeResource,
  type AwsCredentialsService,
  type CloudControlCollector,
  type ObservedResource,
} from '@tally/aws';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { ResourceRefreshRepository } from './resource-refresh.repository';
import { ResourceRefreshService, type RefreshJob } from './resource-refresh.service';

const ACCOUNT = '111111111111';
const BUCKET = getResourceType('AWS::S3::Bucket');

describe('ResourceRefreshService', () => {
  let env: TestEnvironment;
  let tenantId: string;
  let connectionId: string;
  let answer: () => Promise<ObservedResource>;
  let service: ResourceRefreshService;

  before(async () => {
    env = await createTestEnvironment();
    tenantId = (await createTenant(env.prisma)).id;
    connectionId = (await createConnection(env.prisma, tenantId, { accountId: ACCOUNT, status: 'active' }))
      .id;
    const collector = { getOne: () => answer() } as unknown as CloudControlCollector;
    const credentials = { forAccount: () => async () => ({}) } as unknown as AwsCredentialsService;
    service = new ResourceRefreshService(
      env.prisma,
      collector,
      credentials,
      new ResourceRefreshRepository(env.prisma),
    );
  });
  after(() => env?.close());

  const job = (identifier: string): RefreshJob => ({
    tenantId,
    connectionId,
    accountId: ACCOUNT,
    region: 'us-east-1',
    type: BUCKET.type,
    identifier,
    eventId: 'evt',
    eventTime: null,
  });
  const bucket = (name: string) =>
    normalizeResource(BUCKET, {
      identifier: name,
      accountId: ACCOUNT,
      region: 'us-east-1',
      properties: { BucketName: name },
    });
  const stored = (identifier: string) => env.prisma.resource.findFirst({ where: { tenantId, identifier } });

  it('found → created; then access denied and throttling throw and never delete it', async () => {
    answer = async () => ({ resource: bucket('kept'), observedAt: new Date(), apiCalls: 1 });
    assert.equal(await service.refresh(job('kept')), 'created');
    for (const reason of ['access_denied', 'throttled'] as const) {
      answer = async () => {
        throw new AwsCallError(reason, reason, { kind: reason === 'throttled' ? 'transient' : 'customer' });
      };
      await assert.rejects(service.refresh(job('kept')), (e: AwsCallError) => e.reason === reason);
      assert.equal((await stored('kept'))?.deletedAt, null, `${reason} deleted the bucket`);
    }
    answer = async () => ({ resource: null, observedAt: new Date(), apiCalls: 1 });
    assert.equal(await service.refresh(job('kept')), 'deleted');
    assert.ok((await stored('kept'))?.deletedAt);
  });

  it('a connection that is not active, or does not collect the type, is skipped without any call', async () => {
    let called = 0;
    answer = async () => {
      called++;
      return { resource: bucket('x'), observedAt: new Date(), apiCalls: 1 };
    };
    const narrow = await createConnection(env.prisma, tenantId, {
      accountId: ACCOUNT,
      status: 'active',
      resourceTypes: ['AWS::EC2::Instance'],
    });
    assert.equal(await service.refresh({ ...job('x'), connectionId: narrow.id }), 'skipped');
    const pending = await createConnection(env.prisma, tenantId, { accountId: ACCOUNT });
    assert.equal(await service.refresh({ ...job('x'), connectionId: pending.id }), 'skipped');
    assert.equal(called, 0);
  });
});
