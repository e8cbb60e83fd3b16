import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createPrismaClient } from '@tally/db';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { loadPrivateKey } from './signing-key.crypto';
import { SigningKeyService } from './signing-key.service';
import {
  ensureSigningKeys,
  publishedSigningKeys,
  RETIRED_KEY_PUBLISH_SECONDS,
  rotateSigningKeys,
  rotateSigningKeysIfDue,
} from './signing-key.store';
import { decodeJwt } from './token.claims';
import { TokenService } from './token.service';

describe('signing keys in the database', () => {
  let env: TestEnvironment;
  before(async () => {
    env = await createTestEnvironment();
  });
  after(async () => {
    await env.close();
  });

  const statuses = async () =>
    (await env.prisma.signingKey.findMany({ orderBy: { createdAt: 'asc' } })).map((k) => ({
      kid: k.kid,
      status: k.status,
    }));

  it('concurrent first starts of several replicas create exactly one active and one next key', async () => {
    const replicas = Array.from({ length: 4 }, () => createPrismaClient(env.db.url, 2));
    try {
      await Promise.all(replicas.map((p) => ensureSigningKeys(p, env.config)));
      await Promise.all(replicas.map((p) => ensureSigningKeys(p, env.config)));
    } finally {
      await Promise.all(replicas.map((p) => p.$disconnect()));
    }
    const keys = await statuses();
    assert.equal(keys.length, 2);
    assert.deepEqual(keys.map((k) => k.status).sort(), ['active', 'next']);
  });

  it('stores no private key in plaintext', async () => {
    const rows = await env.prisma.signingKey.findMany();
    const dump = JSON.stringify(
      await env.prisma
        .$queryRaw`SELECT encode(private_key_cipher, 'hex') AS hex, public_jwk::text AS jwk FROM signing_keys`,
    );
    for (const row of rows) {
      const stored = Buffer.from(row.privateKeyCipher);
      const key = loadPrivateKey(stored, env.config.keyEncryptionKey, row.kid);
      const der = key.export({ format: 'der', type: 'pkcs8' });
      const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
      const d = (key.export({ format: 'jwk' }) as { d: string }).d;
      assert.equal(stored.indexOf(der.subarray(0, 64)), -1);
      assert.equal(stored.indexOf(der.subarray(der.length - 64)), -1);
      assert.equal(stored.toString('latin1').includes('PRIVATE KEY'), false);
      assert.ok(!dump.includes(der.subarray(100, 140).toString('hex')), 'DER bytes in the table');
      assert.ok(!dump.includes(pem.split('\n')[2]), 'PEM body in the table');
      assert.ok(!dump.includes(d.slice(0, 40)), 'private exponent in the table');
      assert.ok(!JSON.stringify(row.publicJwk).includes('"d"'), 'public JWK has no private member');
    }
  });

  it('rotates: next becomes active, active retired but still published, a new next appears', async () => {
    const before = await statuses();
    const oldActive = before.find((k) => k.status === 'active')!.kid;
    const oldNext = before.find((k) => k.status === 'next')!.kid;
    const { activeKid } = await rotateSigningKeys(env.prisma, env.config);
    assert.equal(activeKid, oldNext, 'the pre-published next key becomes active');
    const after = await statuses();
    assert.equal(after.find((k) => k.kid === oldActive)?.status, 'retired');
    assert.equal(after.filter((k) => k.status === 'active').length, 1);
    assert.equal(after.filter((k) => k.status === 'next').length, 1);
    const published = (await publishedSigningKeys(env.prisma)).map((k) => k.kid);
    assert.deepEqual(
      new Set(published),
      new Set([oldActive, oldNext, after.find((k) => k.status === 'next')!.kid]),
    );
    assert.equal(published[0], activeKid, 'active key first');
  });

  it('drops retired keys from the JWKS once their tokens have expired', async () => {
    const retired = (await statuses()).find((k) => k.status === 'retired')!.kid;
    const later = new Date(Date.now() + (RETIRED_KEY_PUBLISH_SECONDS + 60) * 1000);
    const published = (await publishedSigningKeys(env.prisma, later)).map((k) => k.kid);
    assert.equal(published.length, 2);
    assert.ok(!published.includes(retired));
  });

  it('concurrent rotations leave one active and one next key', async () => {
    await Promise.all([rotateSigningKeys(env.prisma, env.config), rotateSigningKeys(env.prisma, env.config)]);
    const keys = await statuses();
    assert.equal(keys.filter((k) => k.status === 'active').length, 1);
    assert.equal(keys.filter((k) => k.status === 'next').length, 1);
    assert.equal(keys.filter((k) => k.status === 'retired').length, 3);
  });

  it('the scheduled rotation only rotates when the active key is old enough', async () => {
    const activeBefore = (await statuses()).find((k) => k.status === 'active')!.kid;
    assert.equal(await rotateSigningKeysIfDue(env.prisma, env.config), false);
    const due = new Date(Date.now() + (env.config.SIGNING_KEY_ROTATION_DAYS * 86_400 + 60) * 1000);
    assert.equal(await rotateSigningKeysIfDue(env.prisma, env.config, due), true);
    assert.notEqual((await statuses()).find((k) => k.status === 'active')!.kid, activeBefore);
  });

  it('mints tokens with the active key, only for stored connections, and follows rotations', async () => {
    const keys = new SigningKeyService(env.prisma, env.config);
    const tokens = new TokenService(env.prisma, env.config, keys);
    const tenant = await createTenant(env.prisma);
    const conn = await createConnection(env.prisma, tenant.id);
    const token = await tokens.mintToken({ tenantId: tenant.id, connectionId: conn.id }, { ttlSeconds: 600 });
    const { header, claims } = decodeJwt(token);
    const active = await env.prisma.signingKey.findFirstOrThrow({ where: { status: 'active' } });
    assert.deepEqual(header, { alg: 'RS256', kid: active.kid, typ: 'JWT' });
    assert.equal(claims.sub, `tenant:${tenant.id}:connection:${conn.id}`);
    assert.equal(claims.iss, env.config.OIDC_ISSUER_URL);
    assert.equal(claims.aud, env.config.OIDC_AUDIENCE);
    assert.equal(Number(claims.exp) - Number(claims.iat), 600);
    const [h, p, s] = token.split('.');
    const jwk = createPublicKey({ key: active.publicJwk as object, format: 'jwk' } as never);
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), jwk, Buffer.from(s, 'base64url')));

    const other = await createTenant(env.prisma);
    await assert.rejects(tokens.mintToken({ tenantId: other.id, connectionId: conn.id }), /not found/);
    await assert.rejects(
      tokens.mintToken({ tenantId: tenant.id, connectionId: conn.id }, { ttlSeconds: 601 }),
      RangeError,
    );

    const canary = await tokens.mintCanaryToken();
    assert.match(canary.subject, /^tenant:[0-9a-f-]{36}:connection:[0-9a-f-]{36}$/);
    assert.equal(decodeJwt(canary.token).claims.sub, canary.subject);

    const { activeKid } = await rotateSigningKeys(env.prisma, env.config); // in-process: caches follow at once
    const after = decodeJwt(await tokens.mintToken({ tenantId: tenant.id, connectionId: conn.id })).header;
    assert.equal(after.kid, activeKid);
    assert.notEqual(activeKid, active.kid);
  });
});
