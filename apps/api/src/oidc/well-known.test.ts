import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { createApiApp } from '../app';

describe('issuer documents', () => {
  let env: TestEnvironment;
  let api: NestExpressApplication;
  let base: string;

  before(async () => {
    env = await createTestEnvironment({ OIDC_ISSUER_URL: 'https://tally.example.com/issuer' });
    api = await createApiApp(env.config);
    await api.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  });
  after(async () => {
    await api?.close();
    await env?.close();
  });

  it('serves the discovery document with our issuer byte for byte', async () => {
    const res = await fetch(`${base}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    assert.match(res.headers.get('cache-control')!, /^public, max-age=\d+$/);
    const doc = (await res.json()) as any;
    assert.equal(doc.issuer, 'https://tally.example.com/issuer');
    assert.equal(doc.jwks_uri, 'https://tally.example.com/issuer/.well-known/jwks.json');
    assert.deepEqual(doc.response_types_supported, ['id_token']);
    assert.deepEqual(doc.subject_types_supported, ['public']);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    assert.ok(doc.claims_supported.includes('sub'));
  });

  it('serves the JWKS: active and next keys, public members only, no auth needed', async () => {
    const res = await fetch(`${base}/.well-known/jwks.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    assert.match(res.headers.get('cache-control')!, /^public, max-age=\d+$/);
    const { keys } = (await res.json()) as { keys: any[] };
    const stored = await env.prisma.signingKey.findMany({ where: { status: { in: ['active', 'next'] } } });
    assert.equal(stored.length, 2, 'the api created its keys at start');
    assert.deepEqual(new Set(keys.map((k: { kid: string }) => k.kid)), new Set(stored.map((k) => k.kid)));
    for (const k of keys) {
      assert.deepEqual(Object.keys(k).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      assert.equal(k.alg, 'RS256');
      assert.ok(Buffer.from(k.n, 'base64url').length >= 256, 'RSA 2048+');
    }
  });
});
