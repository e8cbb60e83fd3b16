import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AWS_REGIONS, organizationsRegion, partitionOf, roleArnFor } from './partition';

describe('partition', () => {
  it('finds the partition of a region', () => {
    assert.equal(partitionOf('eu-west-1'), 'aws');
    assert.equal(partitionOf('us-east-1'), 'aws');
    assert.equal(partitionOf('cn-north-1'), 'aws-cn');
    assert.equal(partitionOf('us-gov-east-1'), 'aws-us-gov');
  });

  it("builds the role ARN in the home region's partition", () => {
    assert.equal(
      roleArnFor('123456789012', 'TallyReadOnly', 'eu-west-1'),
      'arn:aws:iam::123456789012:role/TallyReadOnly',
    );
    assert.equal(roleArnFor('123456789012', 'R', 'cn-northwest-1'), 'arn:aws-cn:iam::123456789012:role/R');
    assert.equal(roleArnFor('123456789012', 'R', 'us-gov-west-1'), 'arn:aws-us-gov:iam::123456789012:role/R');
  });

  it('lists the regions of all three partitions', () => {
    assert.deepEqual(
      AWS_REGIONS.filter((r) => partitionOf(r) === 'aws-cn'),
      ['cn-north-1', 'cn-northwest-1'],
    );
    assert.deepEqual(
      AWS_REGIONS.filter((r) => partitionOf(r) === 'aws-us-gov'),
      ['us-gov-east-1', 'us-gov-west-1'],
    );
    assert.ok(AWS_REGIONS.includes('eu-west-1'));
  });

  it("homes Organizations in its partition's region", () => {
    assert.equal(organizationsRegion('eu-central-1'), 'us-east-1');
    assert.equal(organizationsRegion('cn-north-1'), 'cn-northwest-1');
    assert.equal(organizationsRegion('us-gov-east-1'), 'us-gov-west-1');
  });
});
