// Key rotation end to end: the api publishes the keys, the sandbox STS verifies with what it fetched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buildTokenClaims,
  generateSigningKey,
  loadPrivateKey,
  rotateSigningKeys,
  SigningKeyService,
  signJwt,
  subjectFor,
  TokenService,
} from '@tally/oidc';
import { CapturedLogs, type TestEnvironment } from '@tally/testing';
import type { Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { AwsCredentialsService, type AssumeTarget } from '@tally/aws';
import { rejection, startStsHarness, type OnboardOptions, type StsHarness } from '../support/sts.harness';

describe('signing key rotation seen by the sandbox STS', () => {
  let env: TestEnvironment;
  let sandbox: Sandbox;
  let tokens: TokenService;
  let keys: SigningKeyService;
  let service: AwsCredentialsService;
  let issuer: string;
  const logs = new CapturedLogs();
  const secrets: string[] = []; // every token and credential seen: none may reach a log line

  let harness: StsHarness;
  const onboard = (opts?: OnboardOptions) => harness.onboard(opts);

  before(async () => {
    harness = await startStsHarness(logs);
    ({ env, sandbox, tokens, keys, service, issuer } = harness);
  });

  after(async () => {
    await harness?.close();
  });

  /** AssumeRoleWithWebIdentity with a token the test signed itself. */
  const call = (target: AssumeTarget, token: string) => harness.assumeWithToken(target, token);

  const claimsFor = (t: AssumeTarget) =>
    buildTokenClaims({
      issuer,
      audience: env.config.OIDC_AUDIENCE,
      subject: subjectFor(t.tenantId, t.connectionId),
    });

  it('a key rotated out but still published verifies; a key we never published does not', async () => {
    const { target } = await onboard();
    const retiredKid = (await keys.activeKey()).kid;
    await assert.doesNotReject(service.forAccount(target)()); // the sandbox has fetched our JWKS
    await rotateSigningKeys(env.prisma, env.config);
    const row = await env.prisma.signingKey.findUniqueOrThrow({ where: { kid: retiredKid } });
    assert.equal(row.status, 'retired');
    const retiredKey = {
      kid: row.kid,
      privateKey: loadPrivateKey(row.privateKeyCipher, env.config.keyEncryptionKey, row.kid),
    };
    const old = await call(target, signJwt(claimsFor(target), retiredKey));
    assert.match(old.accessKeyId, /^ASIA/);

    const unknown = await generateSigningKey(env.config.keyEncryptionKey);
    const forged = signJwt(claimsFor(target), {
      kid: unknown.kid,
      privateKey: loadPrivateKey(unknown.privateKeyCipher, env.config.keyEncryptionKey, unknown.kid),
    });
    const err = await rejection(call(target, forged));
    assert.equal(err.awsCode, 'InvalidIdentityToken');
    assert.equal(err.reason, 'token_rejected');
    // Same kid as a published key but a different key: the signature check must fail too.
    const wrongSig = signJwt(claimsFor(target), {
      kid: retiredKid,
      privateKey: loadPrivateKey(unknown.privateKeyCipher, env.config.keyEncryptionKey, unknown.kid),
    });
    assert.equal((await rejection(call(target, wrongSig))).awsCode, 'InvalidIdentityToken');
  });

  it('after rotations the sandbox picks up the new key (refetch on an unknown kid)', async () => {
    const { target } = await onboard();
    await service.forAccount(target)();
    const before = sandbox.calls.lastSeq;
    // Twice: the second rotation activates a key that did not exist when the sandbox last fetched.
    await rotateSigningKeys(env.prisma, env.config);
    const { activeKid } = await rotateSigningKeys(env.prisma, env.config);
    const token = await tokens.mintToken({ tenantId: target.tenantId, connectionId: target.connectionId });
    assert.ok(
      token.startsWith(
        Buffer.from(JSON.stringify({ alg: 'RS256', kid: activeKid, typ: 'JWT' })).toString('base64url'),
      ),
    );
    secrets.push(token);
    const creds = await call(target, token);
    secrets.push(creds.secretAccessKey, creds.sessionToken!);
    assert.equal(
      sandbox.calls.list({ since: before, operation: 'AssumeRoleWithWebIdentity' }).at(-1)?.outcome,
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
