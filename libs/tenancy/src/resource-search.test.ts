import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PrismaService } from '@tally/db';
import {
  createConnection,
  createResource,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { likeLiteral } from './resource-search';
import { ResourcesRepository } from './resources.repository';

describe('likeLiteral', () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    assert.equal(likeLiteral('a_b%c\\d'), 'a\\_b\\%c\\\\d');
    assert.equal(likeLiteral('plain-text'), 'plain-text');
  });
});

// `q`: case-insensitive substring of name, identifier or ARN, within the tenant, live rows, id pages.
describe('resource search (q)', () => {
  let env: TestEnvironment;
  let repo: ResourcesRepository;
  let tenantId: string;
  let otherTenantId: string;
  let accountId: string;
  const names = async (q: string, extra: object = {}) =>
    (await repo.list(tenantId, { q, ...extra }, { limit: 50 })).items.map((r) => r.name).sort();

  before(async () => {
    env = await createTestEnvironment();
    repo = new ResourcesRepository(env.prisma as unknown as PrismaService);
    const a = await createTenant(env.prisma);
    const b = await createTenant(env.prisma);
    tenantId = a.id;
    otherTenantId = b.id;
    const conn = await createConnection(env.prisma, a.id);
    accountId = conn.accountId;
    const other = await createConnection(env.prisma, b.id);
    const make = (name: string | null, identifier: string, arn: string | null, extra: object = {}) =>
      createResource(env.prisma, conn, { name, identifier, arn, ...extra });
    await make('Payments-Api', 'i-0abc123', 'arn:aws:ec2:us-east-1:1:instance/i-0abc123', {
      type: 'AWS::EC2::Instance',
      tags: { team: 'pay' },
    });
    await make('orders', 'orders-queue', null);
    await make(null, 'logs_bucket', 'arn:aws:s3:::logs_bucket');
    await make('logsXbucket', 'logsXbucket', 'arn:aws:s3:::logsXbucket');
    await make('100% cpu', 'alarm-1', null);
    await make('gone-payments', 'gone-payments', null, { deletedAt: new Date() });
    for (let i = 0; i < 5; i++) await make(`batch-${i}`, `batch-id-${i}`, null);
    await createResource(env.prisma, other, { name: 'payments-elsewhere' });
  });
  after(async () => {
    await env?.close();
  });

  it('matches any of name, identifier and ARN, case-insensitively', async () => {
    assert.deepEqual(await names('PAYMENTS'), ['Payments-Api']);
    assert.deepEqual(await names('0ABC1'), ['Payments-Api'], 'identifier');
    assert.deepEqual(await names('instance/i-0'), ['Payments-Api'], 'ARN');
    assert.deepEqual(await names('queue'), ['orders'], 'identifier with a null ARN');
    assert.deepEqual(await names('s3:::logs_'), [null], 'ARN with a null name');
  });

  it('never matches across two fields of the indexed concatenation', async () => {
    assert.deepEqual(await names('orders orders'), []);
    assert.deepEqual(await names('api i-0abc'), []);
  });

  it('takes %, _ and \\ literally', async () => {
    assert.deepEqual(await names('logs_b'), [null]);
    assert.deepEqual(await names('100%'), ['100% cpu']);
    assert.deepEqual(await names('%'), ['100% cpu']);
    assert.deepEqual(await names('_'), [null]);
    assert.deepEqual(await names('\\'), []);
  });

  it('answers queries too short for a trigram by the same rules', async () => {
    assert.deepEqual(await names('x'), ['logsXbucket']);
    assert.deepEqual(await names('-0a'), ['Payments-Api']);
    assert.deepEqual(await names('h-'), ['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4']);
  });

  it('stays within the tenant and live rows, composes with filters and pages in id order', async () => {
    assert.deepEqual(await names('payments', { includeDeleted: true }), ['Payments-Api', 'gone-payments']);
    assert.deepEqual(await names('payments', { type: 'AWS::S3::Bucket' }), []);
    const cell = { type: 'AWS::EC2::Instance', accountId, region: 'us-east-1' };
    assert.deepEqual(await names('payments', { ...cell, tags: [{ key: 'team', value: 'pay' }] }), [
      'Payments-Api',
    ]);
    assert.deepEqual(await names('payments', { ...cell, tags: [{ key: 'team', value: 'x' }] }), []);
    assert.equal((await repo.list(otherTenantId, { q: 'payments-else' }, { limit: 5 })).items.length, 1);
    const first = await repo.list(tenantId, { q: 'BATCH' }, { limit: 3 });
    assert.ok(first.nextCursor);
    const second = await repo.list(tenantId, { q: 'BATCH' }, { limit: 3, cursor: first.nextCursor });
    assert.equal(second.nextCursor, null);
    const ids = [...first.items, ...second.items].map((r) => r.id);
    assert.equal(ids.length, 5);
    assert.deepEqual(ids, [...ids].sort());
  });
});
