// Key rotation end to end: the api publishes the keys, the sandbox STS verifies with what it fetched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildTokenClaims,
  generateSigningKey,
  loadPrivateKey,
  rotateSigningKeys,
  signJwt,
  subjectFor,
} from '@tally/oidc';
import { CapturedLogs } from '@tally/testing';
import type { AssumeTarget } from '@tally/aws';
import { rejection, stsHarnessFor } from '../support/sts.harness';

describe('signing key rotation seen by the sandbox STS', () => {
  const logs = new CapturedLogs();
  const secrets: string[] = []; // every token and credential seen: none may reach a log line

  const harness = stsHarnessFor(logs);

  /** AssumeRoleWithWebIdentity with a token the test signed itself. */
  const call = (target: AssumeTarget, token: string) => harness.assumeWithToken(target, token);

  const claimsFor = (t: AssumeTarget) =>
    buildTokenClaims({
      issuer: harness.issuer,
      audience: harness.env.config.OIDC_AUDIENCE,
      subject: subjectFor(t.tenantId, t.connectionId),
    });

  it('a key rotated out but still published verifies; a key we never published does not', async () => {
    const { target } = await harness.onboard();
    const retiredKid = (await harness.keys.activeKey()).kid;
    await assert.doesNotReject(harness.service.forAccount(target)()); // the sandbox has fetched our JWKS
    await rotateSigningKeys(harness.env.prisma, harness.env.config);
    const row = await harness.env.prisma.signingKey.findUniqueOrThrow({ where: { kid: retiredKid } });
    assert.equal(row.status, 'retired');
    const retiredKey = {
      kid: row.kid,
      privateKey: loadPrivateKey(row.privateKeyCipher, harness.env.config.keyEncryptionKey, row.kid),
    };
    const old = await call(target, signJwt(claimsFor(target), retiredKey));
    assert.match(old.accessKeyId, /^ASIA/);

    const unknown = await generateSigningKey(harness.env.config.keyEncryptionKey);
    const forged = signJwt(claimsFor(target), {
      kid: unknown.kid,
      privateKey: loadPrivateKey(unknown.privateKeyCipher, harness.env.config.keyEncryptionKey, unknown.kid),
    });
    const err = await rejection(call(target, forged));
    assert.equal(err.awsCode, 'InvalidIdentityToken');
    assert.equal(err.reason, 'token_rejected');
    // Same kid as a published key but a different key: the signature check must fail too.
    const wrongSig = signJwt(claimsFor(target), {
      kid: retiredKid,
      privateKey: loadPrivateKey(unknown.privateKeyCipher, harness.env.config.keyEncryptionKey, unknown.kid),
    });
    assert.equal((await rejection(call(target, wrongSig))).awsCode, 'InvalidIdentityToken');
  });

  it('after rotations the sandbox picks up the new key (refetch on an unknown kid)', async () => {
    const { target } = await harness.onboard();
    await harness.service.forAccount(target)();
    const before = harness.sandbox.calls.lastSeq;
    // Twice: the second rotation activates a key that did not exist when the sandbox last fetched.
    await rotateSigningKeys(harness.env.prisma, harness.env.config);
    const { activeKid } = await rotateSigningKeys(harness.env.prisma, harness.env.config);
    const token = await harness.tokens.mintToken({
      tenantId: target.tenantId,
      connectionId: target.connectionId,
    });
    assert.ok(
      token.startsWith(
        Buffer.from(JSON.stringify({ alg: 'RS256', kid: activeKid, typ: 'JWT' })).toString('base64url'),
      ),
    );
    secrets.push(token);
    const creds = await call(target, token);
    secrets.push(creds.secretAccessKey, creds.sessionToken!);
    assert.equal(
      harness.sandbox.calls.list({ since: before, operation: 'AssumeRoleWithWebIdentity' }).at(-1)?.outcome,
      'ok',
    );
  });

  it('no token or credential appears in the captured logs', () => {
    assert.ok(logs.text.includes('/.well-known/jwks.json'), 'the api did log');
    assert.ok(secrets.length >= 3);
    for (const s of secrets) assert.ok(!logs.text.includes(s), 'a secret leaked into the logs');
    assert.doesNotMatch(logs.text, /ASIA[A-Z0-9]{16}|eyJhbGciOiJSUzI1NiIs|PRIVATE KEY/);
  });
});
