import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Sandbox, startSandbox } from '../sandbox';

describe('control endpoints', () => {
  let sandbox: Sandbox;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      scenario: {
        accounts: [{ id: '210987654321' }],
        settings: { disabledRegions: { '*': ['me-south-1'] } },
        iam: {
          oidcProviders: [
            {
              accountId: '210987654321',
              url: 'https://pre.example.com',
              clientIdList: ['sts.amazonaws.com'],
            },
          ],
        },
      },
    });
  });
  after(() => sandbox.close());

  it('applies the scenario settings and IAM sections', async () => {
    assert.deepEqual((await call('GET', '/_sandbox/settings')).body.disabledRegions, { '*': ['me-south-1'] });
    const providers = (await call('GET', '/_sandbox/iam/oidc-providers?accountId=210987654321')).body
      .providers;
    assert.equal(providers[0].arn, 'arn:aws:iam::210987654321:oidc-provider/pre.example.com');
  });

  it('registers, lists and deletes OIDC providers and roles', async () => {
    const p = await call('POST', '/_sandbox/iam/oidc-providers', {
      accountId: '123456789012',
      url: 'https://tally.example.com',
      clientIdList: ['sts.amazonaws.com'],
    });
    assert.equal(p.status, 200);
    assert.equal(p.body.arn, 'arn:aws:iam::123456789012:oidc-provider/tally.example.com');
    const dup = await call('POST', '/_sandbox/iam/oidc-providers', {
      accountId: '123456789012',
      url: 'https://tally.example.com',
      clientIdList: [],
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'EntityAlreadyExists');

    const trustPolicy = {
      Statement: [
        { Effect: 'Allow', Principal: { Federated: p.body.arn }, Action: 'sts:AssumeRoleWithWebIdentity' },
      ],
    };
    const r = await call('POST', '/_sandbox/iam/roles', {
      accountId: '123456789012',
      roleName: 'TallyReader',
      trustPolicy,
      policies: [
        {
          policyName: 'read',
          policyDocument: JSON.stringify({
            Statement: [{ Effect: 'Allow', Action: 'cloudformation:List*', Resource: '*' }],
          }),
        },
      ],
    });
    assert.equal(r.body.arn, 'arn:aws:iam::123456789012:role/TallyReader');
    const roles = (await call('GET', '/_sandbox/iam/roles?accountId=123456789012')).body.roles;
    assert.equal(roles.length, 1);
    assert.deepEqual(roles[0].policies[0].policyDocument.Statement[0].Action, ['cloudformation:List*']);

    const bad = await call('POST', '/_sandbox/iam/roles', {
      accountId: '123456789012',
      roleName: 'X',
      trustPolicy: '{nope',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'MalformedPolicyDocument');
    assert.equal(
      (await call('POST', '/_sandbox/iam/roles', { roleName: 'X' })).body.error.code,
      'ValidationError',
    );

    assert.equal(
      (await call('DELETE', '/_sandbox/iam/roles?accountId=123456789012&roleName=TallyReader')).status,
      200,
    );
    assert.equal(
      (await call('DELETE', '/_sandbox/iam/roles', { accountId: '123456789012', roleName: 'TallyReader' }))
        .status,
      404,
    );
    assert.equal((await call('DELETE', '/_sandbox/iam/oidc-providers', { arn: p.body.arn })).status, 200);
    assert.equal(sandbox.iam.listOidcProviders('123456789012').length, 0);
  });

  it('serves the call log with since, a summary, and clears it', async () => {
    await call('DELETE', '/_sandbox/calls');
    const form = (action: string) =>
      fetch(sandbox.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=${action}&Version=2011-06-15`,
      });
    const first = await form('AssumeRoleWithWebIdentity'); // no parameters: ValidationError
    assert.equal(first.status, 400);
    assert.match(
      await first.text(),
      /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/,
    );
    const log1 = (await call('GET', '/_sandbox/calls')).body;
    assert.equal(log1.calls.length, 1);
    assert.equal(log1.calls[0].errorCode, 'ValidationError');
    await (await form('NoSuchAction')).text(); // unsigned: authentication is checked first
    const later = (await call('GET', `/_sandbox/calls?since=${log1.lastSeq}`)).body.calls;
    assert.deepEqual(
      later.map((c: { operation: string; errorCode: string }) => [c.operation, c.errorCode]),
      [['NoSuchAction', 'MissingAuthenticationToken']],
    );
    const summary = (await call('GET', '/_sandbox/calls/summary')).body;
    assert.equal(summary.total, 2);
    await call('DELETE', '/_sandbox/calls');
    assert.equal((await call('GET', '/_sandbox/calls')).body.calls.length, 0);
  });

  it('updates settings, validates them, and resets everything', async () => {
    const s = await call('POST', '/_sandbox/settings', {
      credentialLifetimeSeconds: 120,
      disabledRegions: { '123456789012': ['ap-east-1'] },
    });
    assert.equal(s.body.credentialLifetimeSeconds, 120);
    assert.deepEqual(s.body.disabledRegions['123456789012'], ['ap-east-1']);
    assert.equal((await call('POST', '/_sandbox/settings', { nope: 1 })).status, 400);
    await call('POST', '/_sandbox/iam/oidc-providers', {
      accountId: '123456789012',
      url: 'https://x.example.com',
      clientIdList: [],
    });
    assert.equal((await call('POST', '/_sandbox/reset')).status, 200);
    // Back to the initial scenario: its settings and provider, nothing added since.
    assert.deepEqual((await call('GET', '/_sandbox/settings')).body, {
      disabledRegions: { '*': ['me-south-1'] },
      credentialLifetimeSeconds: null,
      stsRegion: 'us-east-1',
    });
    assert.deepEqual(
      sandbox.iam.listOidcProviders().map((p) => p.accountId),
      ['210987654321'],
    );
  });

  it('answers unknown routes with 404 and bad JSON with 400', async () => {
    assert.equal((await call('GET', '/_sandbox/nope')).status, 404);
    const res = await fetch(`${sandbox.url}/_sandbox/settings`, { method: 'POST', body: '{bad' });
    assert.equal(res.status, 400);
    await res.text();
    assert.ok((await call('GET', '/_sandbox')).body.routes.includes('POST /_sandbox/iam/roles'));
  });
});
