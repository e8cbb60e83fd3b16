import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyDocument } from '../iam/policy-document';
import { conditionHolds, trustPolicyAllows } from './trust-policy';

const HOST = 'tally.example.com';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${HOST}`;
const req = (sub: string, aud = 'sts.amazonaws.com') => ({
  providerArn: PROVIDER,
  providerUrl: HOST,
  aud: [aud],
  sub,
});
const statement = (Condition?: object, extra: object = {}) => ({
  Effect: 'Allow',
  Principal: { Federated: PROVIDER },
  Action: 'sts:AssumeRoleWithWebIdentity',
  ...(Condition ? { Condition } : {}),
  ...extra,
});
const policy = (...s: object[]) => parsePolicyDocument({ Version: '2012-10-17', Statement: s }, 'trust');

describe('trust policy evaluation', () => {
  it('ANDs keys and operators, ORs values', () => {
    const p = policy(
      statement({
        StringEquals: {
          [`${HOST}:aud`]: 'sts.amazonaws.com',
          [`${HOST}:sub`]: ['tenant:a:connection:1', 'tenant:a:connection:2'],
        },
      }),
    );
    assert.ok(trustPolicyAllows(p, req('tenant:a:connection:1')));
    assert.ok(trustPolicyAllows(p, req('tenant:a:connection:2')));
    assert.ok(!trustPolicyAllows(p, req('tenant:a:connection:3')));
    assert.ok(!trustPolicyAllows(p, req('tenant:a:connection:1', 'other-aud')));
    const twoOps = policy(
      statement({
        StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${HOST}:sub`]: 'tenant:a:*' },
      }),
    );
    assert.ok(trustPolicyAllows(twoOps, req('tenant:a:connection:9')));
    assert.ok(!trustPolicyAllows(twoOps, req('tenant:b:connection:9')));
  });

  it('ORs statements and lets an explicit Deny win', () => {
    const p = policy(
      statement({ StringEquals: { [`${HOST}:sub`]: 'x' } }),
      statement({ StringEquals: { [`${HOST}:sub`]: 'y' } }),
    );
    assert.ok(trustPolicyAllows(p, req('x')) && trustPolicyAllows(p, req('y')));
    const deny = policy(
      statement({ StringLike: { [`${HOST}:sub`]: '*' } }),
      statement({ StringEquals: { [`${HOST}:sub`]: 'evil' } }, { Effect: 'Deny' }),
    );
    assert.ok(trustPolicyAllows(deny, req('good')));
    assert.ok(!trustPolicyAllows(deny, req('evil')));
  });

  it('requires the federated principal and the action', () => {
    assert.ok(
      !trustPolicyAllows(
        policy(
          statement(undefined, { Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/other' } }),
        ),
        req('x'),
      ),
    );
    assert.ok(!trustPolicyAllows(policy(statement(undefined, { Action: 'sts:AssumeRole' })), req('x')));
    assert.ok(trustPolicyAllows(policy(statement(undefined, { Action: 'sts:AssumeRole*' })), req('x')));
    assert.ok(
      trustPolicyAllows(policy(statement()), req('anyone')),
      'no condition trusts every subject of the provider',
    );
  });

  it('fails a condition on a key the request lacks, unless negated or IfExists', () => {
    assert.ok(!conditionHolds('StringEquals', undefined, ['a']));
    assert.ok(!conditionHolds('StringLike', undefined, ['*']));
    assert.ok(conditionHolds('StringNotEquals', undefined, ['a']));
    assert.ok(conditionHolds('StringEqualsIfExists', undefined, ['a']));
    const p = policy(statement({ StringEquals: { 'other.example.com:sub': 'x' } }));
    assert.ok(!trustPolicyAllows(p, req('x')));
  });

  it('matches condition keys case-insensitively and values case-sensitively', () => {
    const p = policy(statement({ StringEquals: { [`${HOST.toUpperCase()}:SUB`]: 'Tenant:A' } }));
    assert.ok(trustPolicyAllows(p, req('Tenant:A')));
    assert.ok(!trustPolicyAllows(p, req('tenant:a')));
  });

  it('never satisfies unsupported operators', () => {
    assert.ok(!conditionHolds('ForAnyValue:StringLike', ['x'], ['*']));
    assert.ok(!conditionHolds('NumericEquals', ['1'], ['1']));
  });
});
