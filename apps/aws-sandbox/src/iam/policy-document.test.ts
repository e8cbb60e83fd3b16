import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../contract';
import { IamStore } from './iam.store';
import { parsePolicyDocument, policiesAllow, wildcardMatch } from './policy-document';

const doc = (...Statement: object[]) => parsePolicyDocument({ Version: '2012-10-17', Statement }, 'test');

describe('policy documents', () => {
  it('matches IAM wildcards', () => {
    assert.ok(wildcardMatch('s3:List*', 's3:ListBuckets'));
    assert.ok(wildcardMatch('*', 'anything:at.all'));
    assert.ok(wildcardMatch('ec2:Describe?nstances', 'ec2:DescribeInstances'));
    assert.ok(!wildcardMatch('s3:List*', 's3:GetObject'));
    assert.ok(!wildcardMatch('a.b', 'aXb'), 'regex metacharacters are literal');
    assert.ok(wildcardMatch('S3:list*', 's3:ListBuckets', true));
    assert.ok(!wildcardMatch('S3:list*', 's3:ListBuckets'));
  });

  it('allows on a matching Allow, lets an explicit Deny win, and denies by default', () => {
    const allowList = doc({
      Effect: 'Allow',
      Action: ['cloudformation:List*', 'ec2:DescribeInstances'],
      Resource: '*',
    });
    assert.ok(policiesAllow([allowList], 'cloudformation:ListResources'));
    assert.ok(policiesAllow([allowList], 'EC2:describeinstances'), 'actions are case-insensitive');
    assert.ok(!policiesAllow([allowList], 'cloudformation:GetResource'));
    const denyGet = doc({ Effect: 'Deny', Action: 'cloudformation:Get*', Resource: '*' });
    const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    assert.ok(!policiesAllow([allowAll, denyGet], 'cloudformation:GetResource'));
    assert.ok(policiesAllow([allowAll, denyGet], 'cloudformation:ListResources'));
    assert.ok(!policiesAllow([], 'cloudformation:ListResources'));
  });

  it('supports NotAction', () => {
    const notWrite = doc({ Effect: 'Allow', NotAction: ['s3:Put*', 's3:Delete*'], Resource: '*' });
    assert.ok(policiesAllow([notWrite], 's3:GetObject'));
    assert.ok(!policiesAllow([notWrite], 's3:PutObject'));
  });

  it('rejects malformed documents with MalformedPolicyDocument', () => {
    for (const bad of [
      '{not json',
      '[]',
      { Statement: [{ Effect: 'Maybe', Action: '*' }] },
      { Statement: [{ Effect: 'Allow' }] },
      { Version: '2012-10-17' },
    ]) {
      assert.throws(
        () => parsePolicyDocument(bad as never, 'x'),
        (e: unknown) => e instanceof AwsError && e.code === 'MalformedPolicyDocument',
      );
    }
  });
});

describe('IamStore', () => {
  it('stores providers without scheme and refuses duplicates', () => {
    const iam = new IamStore();
    const arn = iam.createOidcProvider('123456789012', {
      url: 'https://tally.example.com',
      clientIdList: ['sts.amazonaws.com'],
    });
    assert.equal(arn, 'arn:aws:iam::123456789012:oidc-provider/tally.example.com');
    assert.equal(
      iam.findOidcProvider('123456789012', 'tally.example.com')?.clientIdList[0],
      'sts.amazonaws.com',
    );
    assert.equal(iam.findOidcProvider('123456789012', 'tally.example.com/'), undefined);
    assert.throws(
      () => iam.createOidcProvider('123456789012', { url: 'https://tally.example.com', clientIdList: [] }),
      /already exists/,
    );
    iam.deleteOidcProvider(arn);
    assert.equal(iam.listOidcProviders('123456789012').length, 0);
    assert.throws(
      () => iam.deleteOidcProvider(arn),
      (e: unknown) => e instanceof AwsError && e.code === 'NoSuchEntity',
    );
  });

  it('creates, replaces, lists and deletes roles (names case-insensitive)', () => {
    const iam = new IamStore();
    const trust = {
      Statement: { Effect: 'Allow', Principal: { Federated: 'p' }, Action: 'sts:AssumeRoleWithWebIdentity' },
    };
    const arn = iam.putRole('123456789012', {
      roleName: 'Tally',
      path: '/tally/',
      assumeRolePolicyDocument: JSON.stringify(trust),
    });
    assert.equal(arn, 'arn:aws:iam::123456789012:role/tally/Tally');
    const role = iam.getRole('123456789012', 'tally')!;
    assert.equal(role.maxSessionDuration, 3600);
    assert.deepEqual(role.trustPolicy.Statement[0].Principal, { Federated: ['p'] });
    assert.ok(iam.roleAllows(role, 'anything:AtAll'), 'no policies allows everything');
    iam.putRole('123456789012', {
      roleName: 'Tally',
      assumeRolePolicyDocument: trust,
      policies: [
        {
          policyName: 'r',
          policyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] },
        },
      ],
    });
    const replaced = iam.getRole('123456789012', 'Tally')!;
    assert.equal(replaced.roleId, role.roleId, 'replacing keeps the role id');
    assert.ok(iam.roleAllows(replaced, 's3:GetObject'));
    assert.ok(!iam.roleAllows(replaced, 's3:PutObject'));
    assert.equal(iam.listRoles('123456789012').length, 1);
    assert.equal(iam.listRoles('999999999999').length, 0);
    assert.throws(() => iam.putRole('123', { roleName: 'x', assumeRolePolicyDocument: trust }), /account id/);
    assert.throws(
      () =>
        iam.putRole('123456789012', {
          roleName: 'x',
          assumeRolePolicyDocument: trust,
          maxSessionDuration: 100,
        }),
      /MaxSessionDuration/,
    );
    iam.deleteRole('123456789012', 'TALLY');
    assert.equal(iam.getRole('123456789012', 'Tally'), undefined);
  });
});
