import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sandbox, startSandbox } from '../sandbox';
import { TestIssuer, startTestIssuer } from '../testing/test-issuer';
import { sdkFailure } from '../testing/sdk-failure';

const ACCOUNT = '111122223333';
const AUD = 'sts.amazonaws.com';
const SUB = 'tenant:t1:connection:c1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/TallyReader`;

function trust(issuerHost: string, operator: string, sub: string, aud = AUD) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerHost}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${issuerHost}:aud`]: aud },
          [operator]: { [`${issuerHost}:sub`]: sub },
        },
      },
    ],
  };
}

describe('STS AssumeRoleWithWebIdentity (real SDK over HTTP)', () => {
  let sandbox: Sandbox;
  let issuer: TestIssuer;
  let sts: STSClient;

  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    issuer = await startTestIssuer();
    sts = new STSClient({ endpoint: sandbox.url, region: 'us-east-1' });
  });
  after(async () => {
    sts.destroy();
    await sandbox.close();
    await issuer.close();
  });
  beforeEach(async () => {
    await sandbox.reset();
    sandbox.iam.createOidcProvider(ACCOUNT, { url: issuer.url, clientIdList: [AUD] });
    sandbox.iam.putRole(ACCOUNT, {
      roleName: 'TallyReader',
      assumeRolePolicyDocument: JSON.stringify(trust(issuer.host, 'StringEquals', SUB)),
    });
  });

  const assume = (
    token: string,
    extra: Partial<{ RoleArn: string; RoleSessionName: string; DurationSeconds: number }> = {},
  ) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE,
        RoleSessionName: 'tally-run-1',
        WebIdentityToken: token,
        ...extra,
      }),
    );

  it('issues ASIA credentials for a valid token, usable for GetCallerIdentity', async () => {
    const out = await assume(issuer.mint({ sub: SUB, aud: AUD }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(c.SecretAccessKey && c.SessionToken);
    const lifetime = c.Expiration!.getTime() - Date.now();
    assert.ok(lifetime > 3500_000 && lifetime <= 3600_000, `lifetime ${lifetime}`);
    assert.equal(out.SubjectFromWebIdentityToken, SUB);
    assert.equal(out.Audience, AUD);
    assert.equal(out.Provider, `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.host}`);
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/TallyReader/tally-run-1`);
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]+:tally-run-1$/);

    const signed = new STSClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken,
      },
    });
    const who = await signed.send(new GetCallerIdentityCommand({}));
    signed.destroy();
    assert.equal(who.Account, ACCOUNT);
    assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/TallyReader/tally-run-1`);

    const log = sandbox.calls.list({ service: 'sts' });
    assert.deepEqual(
      log.map((l) => [l.operation, l.outcome, l.accountId]),
      [
        ['AssumeRoleWithWebIdentity', 'ok', ACCOUNT],
        ['GetCallerIdentity', 'ok', ACCOUNT],
      ],
    );
  });

  it('refuses another subject with AccessDenied', async () => {
    const err = await sdkFailure(assume(issuer.mint({ sub: 'tenant:t1:connection:other', aud: AUD })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    assert.equal(err.$metadata?.httpStatusCode, 403);
  });

  it('refuses a missing role with AccessDenied', async () => {
    const err = await sdkFailure(
      assume(issuer.mint({ sub: SUB, aud: AUD }), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Nope` }),
    );
    assert.equal(err.name, 'AccessDenied');
  });

  it('refuses a wrong audience with InvalidIdentityToken', async () => {
    const err = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: 'someone-else' })));
    assert.equal(err.name, 'InvalidIdentityTokenException');
    assert.match(err.message, /audience/);
    // The SDK names the modeled exception; the wire code is AWS's awsQueryError code.
    assert.equal(sandbox.calls.list().at(-1)?.errorCode, 'InvalidIdentityToken');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  it('names the issuer when no provider is registered for it', async () => {
    const other = await startTestIssuer();
    try {
      const err = await sdkFailure(assume(other.mint({ sub: SUB, aud: AUD })));
      assert.equal(err.name, 'InvalidIdentityTokenException');
      assert.equal(err.message, `No OpenIDConnect provider found in your account for ${other.url}`);
    } finally {
      await other.close();
    }
  });

  it('treats a trailing slash in the provider URL as significant', async () => {
    sandbox.iam.reset();
    sandbox.iam.createOidcProvider(ACCOUNT, { url: `${issuer.url}/`, clientIdList: [AUD] });
    sandbox.iam.putRole(ACCOUNT, {
      roleName: 'TallyReader',
      assumeRolePolicyDocument: trust(`${issuer.host}/`, 'StringEquals', SUB),
    });
    const err = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: AUD })));
    assert.equal(err.name, 'InvalidIdentityTokenException');
  });

  it('rejects an expired token with ExpiredTokenException, tolerating 5 minutes of skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const err = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: AUD, iat: now - 900, exp: now - 400 })));
    assert.equal(err.name, 'ExpiredTokenException');
    const ok = await assume(issuer.mint({ sub: SUB, aud: AUD, iat: now - 600, exp: now - 120 }));
    assert.ok(ok.Credentials?.AccessKeyId);
  });

  it('rejects a bad signature and a key the issuer does not publish', async () => {
    const forged = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: AUD }, { sign: 'wrong-key' })));
    assert.equal(forged.name, 'InvalidIdentityTokenException');
    const before = issuer.jwksFetches();
    const unknown = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: AUD }, { kid: 'never-published' })));
    assert.equal(unknown.name, 'InvalidIdentityTokenException');
    assert.match(unknown.message, /verification key/);
    assert.equal(issuer.jwksFetches() - before, 1, 'one refetch for an unknown kid');
  });

  it('picks up a rotated key by refetching the JWKS once', async () => {
    await assume(issuer.mint({ sub: SUB, aud: AUD })); // caches the current JWKS
    const next = issuer.addKey(false);
    const early = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: AUD }, { kid: next })));
    assert.equal(early.name, 'InvalidIdentityTokenException');
    issuer.publish(next);
    const fetches = issuer.jwksFetches();
    const ok = await assume(issuer.mint({ sub: SUB, aud: AUD }, { kid: next }));
    assert.ok(ok.Credentials?.AccessKeyId);
    assert.equal(issuer.jwksFetches() - fetches, 1);
    // The old (still published) key keeps verifying without another fetch.
    await assume(issuer.mint({ sub: SUB, aud: AUD }));
    assert.equal(issuer.jwksFetches() - fetches, 1);
  });

  it('answers IDPCommunicationError when the issuer is unreachable', async () => {
    const gone = await startTestIssuer();
    const token = gone.mint({ sub: SUB, aud: AUD });
    await gone.close();
    sandbox.iam.createOidcProvider(ACCOUNT, { url: gone.url, clientIdList: [AUD] });
    const err = await sdkFailure(assume(token));
    assert.equal(err.name, 'IDPCommunicationErrorException');
    assert.equal(sandbox.calls.list().at(-1)?.errorCode, 'IDPCommunicationError');
  });

  it('accepts any subject with StringLike "*" and matches ? and * patterns', async () => {
    sandbox.iam.putRole(ACCOUNT, {
      roleName: 'TallyReader',
      assumeRolePolicyDocument: trust(issuer.host, 'StringLike', '*'),
    });
    assert.ok((await assume(issuer.mint({ sub: 'tenant:canary:connection:none', aud: AUD }))).Credentials);
    sandbox.iam.putRole(ACCOUNT, {
      roleName: 'TallyReader',
      assumeRolePolicyDocument: trust(issuer.host, 'StringLike', 'tenant:t?:connection:*'),
    });
    assert.ok((await assume(issuer.mint({ sub: 'tenant:t9:connection:zz', aud: AUD }))).Credentials);
    assert.equal(
      (await sdkFailure(assume(issuer.mint({ sub: 'tenant:t10:connection:zz', aud: AUD })))).name,
      'AccessDenied',
    );
  });

  it('validates the session name, duration and role ARN like STS', async () => {
    const token = issuer.mint({ sub: SUB, aud: AUD });
    const badName = await sdkFailure(assume(token, { RoleSessionName: 'has space' }));
    assert.equal(badName.name, 'ValidationError');
    const tooLong = await sdkFailure(assume(token, { DurationSeconds: 7200 }));
    assert.equal(tooLong.name, 'ValidationError');
    assert.match(tooLong.message, /MaxSessionDuration/);
    const tooShort = await sdkFailure(assume(token, { DurationSeconds: 600 }));
    assert.equal(tooShort.name, 'ValidationError');
    const badArn = await sdkFailure(assume(token, { RoleArn: 'arn:aws:iam::12:role/x-------------' }));
    assert.equal(badArn.name, 'ValidationError');
  });

  it('answers RegionDisabledException when the STS region is disabled for the role account', async () => {
    sandbox.settings.update({ stsRegion: 'ap-east-1', disabledRegions: { [ACCOUNT]: ['ap-east-1'] } });
    const err = await sdkFailure(assume(issuer.mint({ sub: SUB, aud: AUD })));
    assert.equal(err.name, 'RegionDisabledException');
    assert.equal(err.$metadata?.httpStatusCode, 403);
    sandbox.settings.update({ stsRegion: 'us-east-1' });
    assert.ok((await assume(issuer.mint({ sub: SUB, aud: AUD }))).Credentials);
  });

  it('caps credential lifetime with the credentialLifetimeSeconds setting', async () => {
    sandbox.settings.update({ credentialLifetimeSeconds: 60 });
    const out = await assume(issuer.mint({ sub: SUB, aud: AUD }), { DurationSeconds: 900 });
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(lifetime <= 60_000 && lifetime > 55_000, `lifetime ${lifetime}`);
  });
});
