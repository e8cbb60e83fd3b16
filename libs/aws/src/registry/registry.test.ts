import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  getResourceType,
  isSupportedResourceType,
  normalizeResource,
  SUPPORTED_RESOURCE_TYPES,
} from './registry';
import { tagsFromModel } from './resource-type';

const ctx = { accountId: '123456789012', region: 'eu-west-1' };
const norm = (type: string, identifier: string, properties: Record<string, unknown>, region = ctx.region) =>
  normalizeResource(getResourceType(type), { identifier, properties, accountId: ctx.accountId, region });

describe('resource-type registry', () => {
  it('supports the five types, with their listing facts', () => {
    assert.deepEqual([...SUPPORTED_RESOURCE_TYPES].sort(), [
      'AWS::EC2::Instance',
      'AWS::ECS::Cluster',
      'AWS::Lambda::Function',
      'AWS::RDS::DBInstance',
      'AWS::S3::Bucket',
    ]);
    assert.equal(getResourceType('AWS::S3::Bucket').listScope, 'account');
    assert.ok(getResourceType('AWS::ECS::Cluster').partialList);
    assert.ok(getResourceType('AWS::Lambda::Function').partialList);
    assert.ok(!getResourceType('AWS::EC2::Instance').partialList);
    assert.ok(!getResourceType('AWS::RDS::DBInstance').partialList);
    assert.ok(!isSupportedResourceType('AWS::IAM::Role'));
    assert.throws(() => getResourceType('AWS::IAM::Role'), /unsupported/);
  });

  it('every type carries the IAM actions its list and read handlers need, reads only', () => {
    for (const type of SUPPORTED_RESOURCE_TYPES) {
      const { list, read } = getResourceType(type).permissions;
      assert.ok(list.length > 0 && read.length > 0, type);
      for (const action of [...list, ...read])
        assert.match(action, /^[a-z0-9-]+:(Get|List|Describe)\w+$/, type);
    }
    assert.deepEqual(getResourceType('AWS::S3::Bucket').permissions.list, ['s3:ListAllMyBuckets']);
    assert.ok(getResourceType('AWS::Lambda::Function').permissions.read.includes('lambda:GetFunction'));
  });

  it('tags: [{Key, Value}] becomes a map; anything else gives {}', () => {
    assert.deepEqual(
      tagsFromModel({
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '' },
        ],
      }),
      { a: '1', b: '' },
    );
    assert.deepEqual(tagsFromModel({ Tags: { a: '1' } }), { a: '1' });
    assert.deepEqual(tagsFromModel({ Tags: 'x' }), {});
    assert.deepEqual(tagsFromModel({}), {});
  });

  it('S3: region from the domain names; ARN and name from the model', () => {
    const s3 = getResourceType('AWS::S3::Bucket');
    assert.equal(s3.regionOf!({ RegionalDomainName: 'b.s3.ap-southeast-2.amazonaws.com' }), 'ap-southeast-2');
    assert.equal(s3.regionOf!({ WebsiteURL: 'http://b.s3-website-us-west-2.amazonaws.com' }), 'us-west-2');
    assert.equal(
      s3.regionOf!({ WebsiteURL: 'http://b.s3-website.eu-central-1.amazonaws.com' }),
      'eu-central-1',
    );
    assert.equal(s3.regionOf!({ BucketName: 'b' }), undefined);
    const r = norm('AWS::S3::Bucket', 'logs', { BucketName: 'logs' });
    assert.deepEqual([r.arn, r.name, r.relationships], ['arn:aws:s3:::logs', 'logs', []]);
  });

  it('EC2: ARN from the instance id, Name tag as name, VPC/subnet/security-group relationships', () => {
    const r = norm('AWS::EC2::Instance', 'i-0abc', {
      InstanceId: 'i-0abc',
      VpcId: 'vpc-1',
      SubnetId: 'subnet-1',
      SecurityGroupIds: ['sg-1', 'sg-2'],
      NetworkInterfaces: [{ SubnetId: 'subnet-1', GroupSet: ['sg-2', 'sg-3'] }],
      ImageId: 'ami-9',
      Tags: [{ Key: 'Name', Value: 'web-1' }],
    });
    assert.equal(r.arn, 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc');
    assert.equal(r.name, 'web-1');
    assert.deepEqual(r.tags, { Name: 'web-1' });
    assert.deepEqual(r.relationships, [
      { type: 'AWS::EC2::VPC', target: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1' },
      { type: 'AWS::EC2::Subnet', target: 'arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1' },
      { type: 'AWS::EC2::SecurityGroup', target: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1' },
      { type: 'AWS::EC2::SecurityGroup', target: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-2' },
      { type: 'AWS::EC2::SecurityGroup', target: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-3' },
      { type: 'AWS::EC2::Image', target: 'arn:aws:ec2:eu-west-1::image/ami-9' },
    ]);
  });

  it('Lambda: role, VPC and key relationships; RDS: security groups and subnet group; ECS: none', () => {
    const fn = norm('AWS::Lambda::Function', 'f', {
      FunctionName: 'f',
      Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
      Role: 'arn:aws:iam::123456789012:role/exec',
      VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
    });
    assert.equal(fn.arn, 'arn:aws:lambda:eu-west-1:123456789012:function:f');
    assert.deepEqual(
      fn.relationships.map((r) => r.type),
      ['AWS::IAM::Role', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup'],
    );
    assert.equal(fn.relationships[0].target, 'arn:aws:iam::123456789012:role/exec');
    const db = norm('AWS::RDS::DBInstance', 'db1', {
      DBInstanceIdentifier: 'db1',
      VPCSecurityGroups: ['sg-7'],
      DBSubnetGroupName: 'Main',
    });
    assert.equal(db.arn, 'arn:aws:rds:eu-west-1:123456789012:db:db1');
    assert.deepEqual(db.relationships, [
      { type: 'AWS::EC2::SecurityGroup', target: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-7' },
      { type: 'AWS::RDS::DBSubnetGroup', target: 'arn:aws:rds:eu-west-1:123456789012:subgrp:main' },
    ]);
    const cluster = norm('AWS::ECS::Cluster', 'arn:aws:ecs:eu-west-1:123456789012:cluster/c1', {});
    assert.equal(cluster.arn, 'arn:aws:ecs:eu-west-1:123456789012:cluster/c1');
    assert.equal(cluster.name, 'c1');
    assert.deepEqual(cluster.relationships, []);
  });
});
