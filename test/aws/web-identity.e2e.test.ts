// End to end over real HTTP: the api serves the issuer documents, the sandbox STS fetches them and
// verifies our tokens, the SDK talks to the sandbox.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTokenClaims, signJwt, subjectFor } from '@tally/oidc';
import { CapturedLogs, createConnection, createTenant, randomAccountId } from '@tally/testing';
import { getCallerIdentity, type AssumeTarget } from '@tally/aws';
import { rejection, ROLE, stsHarnessFor } from '../support/sts.harness';

describe('web identity against the sandbox STS', () => {
  const logs = new CapturedLogs();
  const secrets: string[] = []; // every token and credential seen: none may reach a log line

  const harness = stsHarnessFor(logs);

  it('a correct token yields working session credentials, traceable to the run', async () => {
    const { target } = await harness.onboard();
    const runId = '0b7f5f3e-4a43-4f43-9d0e-6f7f4b1d2c3a';
    const creds = await harness.service.forAccount({ ...target, runId })();
    secrets.push(creds.secretAccessKey, creds.sessionToken!, creds.accessKeyId);
    assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(creds.expiration!.getTime() > Date.now() + 50 * 60_000, 'DurationSeconds 3600 was asked for');
    const who = await getCallerIdentity(harness.clients, creds);
    assert.equal(who.account, target.accountId);
    assert.equal(who.arn, `arn:aws:sts::${target.accountId}:assumed-role/${ROLE}/tally-run-${runId}`);
  });

  it('a token for another connection is refused by the trust policy (AccessDenied)', async () => {
    const { target } = await harness.onboard();
    const stranger = await createConnection(harness.env.prisma, target.tenantId);
    const err = await rejection(harness.service.forAccount({ ...target, connectionId: stranger.id })());
    assert.equal(err.awsCode, 'AccessDenied');
    assert.equal(err.reason, 'trust_policy_rejected');
    assert.equal(err.kind, 'customer');
    assert.match(err.remediation!, /stack/);
  });

  it('a provider that does not list our audience rejects the token (InvalidIdentityToken)', async () => {
    const { target } = await harness.onboard({ clientIds: ['some-other-client'] });
    const err = await rejection(harness.service.forAccount(target)());
    assert.equal(err.awsCode, 'InvalidIdentityToken');
    assert.equal(err.reason, 'audience_rejected');
    assert.match(err.remediation!, new RegExp(harness.env.config.OIDC_AUDIENCE.replace(/\./g, '\\.')));
  });

  it('an account without a provider for our issuer answers InvalidIdentityToken naming the issuer', async () => {
    const tenant = await createTenant(harness.env.prisma);
    const conn = await createConnection(harness.env.prisma, tenant.id, { accountId: randomAccountId() });
    const err = await rejection(
      harness.service.forAccount({
        tenantId: tenant.id,
        connectionId: conn.id,
        accountId: conn.accountId,
        roleName: ROLE,
      })(),
    );
    assert.equal(err.awsCode, 'InvalidIdentityToken');
    assert.equal(err.reason, 'oidc_provider_missing');
    assert.match(err.message, new RegExp(harness.issuer.replace(/[.:/]/g, '\\$&')));
    assert.match(
      (err.cause as Error).message,
      new RegExp(`No OpenIDConnect provider found in your account for ${harness.issuer}`),
    );
    assert.match(err.remediation!, /Deploy the Tally CloudFormation stack/);
  });

  it('an expired token answers ExpiredTokenException', async () => {
    const { target } = await harness.onboard();
    const claims = buildTokenClaims(
      {
        issuer: harness.issuer,
        audience: harness.env.config.OIDC_AUDIENCE,
        subject: subjectFor(target.tenantId, target.connectionId),
        ttlSeconds: 600,
      },
      Date.now() - 20 * 60_000,
    );
    const token = signJwt(claims, await harness.keys.activeKey());
    secrets.push(token);
    const err = await rejection(call(target, token));
    assert.equal(err.awsCode, 'ExpiredTokenException');
    assert.equal(err.reason, 'token_expired');
    assert.match(err.remediation!, /clock/);
  });

  /** AssumeRoleWithWebIdentity with a token the test signed itself. */
  const call = (target: AssumeTarget, token: string) => harness.assumeWithToken(target, token);

  it('caches: many concurrent requests make one STS call, and refresh happens before expiry', async () => {
    const { target } = await harness.onboard();
    harness.sandbox.settings.update({ credentialLifetimeSeconds: 3 });
    try {
      const since = harness.sandbox.calls.lastSeq;
      const stsCalls = () =>
        harness.sandbox.calls.list({
          since,
          operation: 'AssumeRoleWithWebIdentity',
          accountId: target.accountId,
        }).length;
      const provider = harness.service.forAccount(target);
      const all = await Promise.all(Array.from({ length: 25 }, () => provider()));
      assert.equal(stsCalls(), 1);
      assert.ok(all.every((c) => c.accessKeyId === all[0].accessKeyId));
      const first = all[0];
      secrets.push(first.secretAccessKey, first.sessionToken!);
      const expiry = first.expiration!.getTime();
      assert.ok(expiry - Date.now() <= 3_000, 'the sandbox capped the lifetime');
      // Outside the refresh margin (20% of ~3 s): still the cached session.
      await sleepUntil(expiry - 1_500);
      assert.equal((await harness.service.forAccount(target)()).accessKeyId, first.accessKeyId);
      assert.equal(stsCalls(), 1);
      // Inside the margin but before expiry: refreshed, once, even under concurrency.
      await sleepUntil(expiry - 300);
      const again = await Promise.all(Array.from({ length: 10 }, () => provider()));
      assert.ok(Date.now() < expiry, 'the refresh happened before the old session expired');
      assert.notEqual(again[0].accessKeyId, first.accessKeyId);
      assert.ok(again.every((c) => c.accessKeyId === again[0].accessKeyId));
      assert.equal(stsCalls(), 2);
    } finally {
      harness.sandbox.settings.update({ credentialLifetimeSeconds: null });
    }
  });

  it('no token or credential appears in the captured logs', () => {
    assert.ok(logs.text.includes('/.well-known/jwks.json'), 'the api did log (the sandbox fetched our keys)');
    assert.ok(secrets.length >= 6);
    for (const s of secrets) assert.ok(!logs.text.includes(s), 'a secret leaked into the logs');
    assert.doesNotMatch(logs.text, /ASIA[A-Z0-9]{16}|eyJhbGciOiJSUzI1NiIs|PRIVATE KEY/);
  });
});

function sleepUntil(t: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
}
