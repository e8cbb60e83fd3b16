import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AWS_REGIONS as AWS_PARTITION_REGIONS, SUPPORTED_RESOURCE_TYPES } from '@tally/aws';
import { AWS_REGIONS } from './aws-regions';
import { CreateConnection, RESOURCE_TYPES, Tenant, timestamp } from './index';

describe('contract', () => {
  it('offers exactly the resource types the collector supports, in its order', () => {
    assert.deepEqual([...RESOURCE_TYPES], [...SUPPORTED_RESOURCE_TYPES]);
  });

  it('offers exactly the regions of the AWS partition facts', () => {
    assert.deepEqual([...AWS_REGIONS], [...AWS_PARTITION_REGIONS]);
  });

  it('sends timestamps as ISO strings and refuses anything but a Date from the server', () => {
    assert.equal(timestamp.parse(new Date('2026-11-24T10:00:00Z')), '2026-11-24T10:00:00.000Z');
    assert.equal(timestamp.safeParse('2026-11-24T10:00:00Z').success, false);
    assert.equal(timestamp.safeParse(new Date(Number.NaN)).success, false);
  });

  it('names the field and the reason of an invalid request', () => {
    const result = CreateConnection.safeParse({
      name: 'x',
      accountId: '1',
      mode: 'account',
      regions: ['mars-1'],
    });
    assert.ok(!result.success);
    assert.deepEqual(
      result.error.issues.map((i) => [i.path.join('.'), i.message]),
      [
        ['accountId', 'must be 12 digits'],
        ['regions.0', 'must be an AWS region such as us-east-1'],
      ],
    );
  });

  it('fills request defaults the way the API stores them', () => {
    const input = { name: ' prod ', accountId: '123456789012', mode: 'account', regions: ['us-east-1'] };
    const parsed = CreateConnection.parse(input);
    assert.equal(parsed.name, 'prod');
    assert.equal(parsed.syncIntervalMinutes, 60);
    assert.equal(parsed.roleName, 'TallyReadOnly');
    assert.equal(parsed.resourceTypes, undefined, 'omitted: every supported type');
  });

  it('drops fields a response schema does not name', () => {
    const at = new Date(0);
    const tenant = { id: '3f0e8b1c-2a4d-4c6e-9f10-1a2b3c4d5e6f', name: 'Acme', createdAt: at, updatedAt: at };
    const wire = Tenant.parse({ ...tenant, internalNote: 'x' });
    assert.deepEqual(Object.keys(wire).sort(), Object.keys(tenant).sort());
    assert.equal(wire.createdAt, '1970-01-01T00:00:00.000Z');
  });
});
