// Key rotation end to end: the api publishes the keys, the sandbox STS verifies with what it fetched.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
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
import {
  CapturedLogs,
  createConnection,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { createApiApp } from '../../../../apps/api/src/app';
import { startSandbox, type Sandbox } from '../../../../apps/aws-sandbox/src/sandbox';
import { AwsCallError } from '../sts/aws-error.classifier';
import { assumeRoleWithWebIdentity, createStsClient, roleArnFor } from '../sts/web-identity';
import { AwsCredentialsService, type AssumeTarget } from './aws-credentials.service';

const ROLE = 'TallyReadOnly';

describe('signing key rotation seen by the sandbox STS', () => {
  let env: TestEnvironment;
  let sandbox: Sandbox;
  let api: NestExpressApplication;
  let tokens: TokenService;
  let keys: SigningKeyService;
  let service: AwsCredentialsService;
  let issuer: string;
  let host: string;
  const logs = new CapturedLogs();
  const secrets: string[] = []; // every token and credential seen: none may reach a log line

  /** A connection with a deployed "stack": provider for our issuer + role trusting its subject. */
  async function onboard(
    opts: { subjectOperator?: 'StringEquals' | 'StringLike'; subject?: string; clientIds?: string[] } = {},
  ) {
    const tenant = await createTenant(env.prisma);
    const conn = await createConnection(env.prisma, tenant.id, { roleName: ROLE });
    const providerArn = sandbox.iam.createOidcProvider(conn.accountId, {
      url: issuer,
      clientIdList: opts.clientIds ?? [env.config.OIDC_AUDIENCE],
    });
    const subject = opts.subject ?? subjectFor(tenant.id, conn.id);
    sandbox.iam.putRole(conn.accountId, {
      roleName: ROLE,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: providerArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { [`${host}:aud`]: env.config.OIDC_AUDIENCE },
              [opts.subjectOperator ?? 'StringEquals']: { [`${host}:sub`]: subject },
            },
          },
        ],
      },
    });
    const target: AssumeTarget = {
      tenantId: tenant.id,
      connectionId: conn.id,
      accountId: conn.accountId,
      roleName: ROLE,
    };
    return { tenant, conn, target };
  }

  async function rejection(p: Promise<unknown>): Promise<AwsCallError> {
    const err = await p.then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AwsCallError, `not classified: ${String(err)}`);
    return err;
  }

  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    env = await createTestEnvironment({ LOG_LEVEL: 'debug', AWS_ENDPOINT_URL_STS: sandbox.url });
    api = await createApiApp(env.config, { logDestination: logs });
    await api.listen(0, '127.0.0.1');
    const port = (api.getHttpServer().address() as AddressInfo).port;
    issuer = `http://127.0.0.1:${port}`;
    host = issuer.replace(/^https?:\/\//, '');
    // The issuer is only known once the api listens on its ephemeral port.
    env.config.OIDC_ISSUER_URL = issuer;
    keys = new SigningKeyService(env.prisma, env.config);
    tokens = new TokenService(env.prisma, env.config, keys);
    service = new AwsCredentialsService(env.config, tokens);
  });

  after(async () => {
    service?.onModuleDestroy();
    await api?.close();
    await sandbox?.close();
    await env?.close();
  });

  /** AssumeRoleWithWebIdentity with a token the test signed itself. */
  function call(target: AssumeTarget, token: string) {
    const sts = createStsClient(env.config);
    return assumeRoleWithWebIdentity(sts, {
      roleArn: roleArnFor(target.accountId, target.roleName),
      roleSessionName: 'tally-test',
      webIdentityToken: token,
      durationSeconds: 900,
    }).finally(() => sts.destroy());
  }

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
