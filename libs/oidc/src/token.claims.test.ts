import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildTokenClaims, decodeJwt, signJwt, subjectFor } from './token.claims';

describe('token claims', () => {
  const base = {
    issuer: 'https://tally.example.com',
    audience: 'sts.amazonaws.com',
    subject: 'tenant:a:connection:b',
  };

  it('sets iss, sub, aud, iat, exp and a unique jti', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0, 900);
    const a = buildTokenClaims({ ...base, ttlSeconds: 600 }, now);
    const b = buildTokenClaims({ ...base, ttlSeconds: 600 }, now);
    assert.equal(a.iss, base.issuer);
    assert.equal(a.sub, base.subject);
    assert.equal(a.aud, base.audience);
    assert.equal(a.iat, Math.floor(now / 1000));
    assert.equal(a.exp - a.iat, 600);
    assert.match(a.jti, /^[0-9a-f-]{36}$/);
    assert.notEqual(a.jti, b.jti);
    assert.equal(buildTokenClaims(base, now).exp - a.iat, 300, 'default ttl');
  });

  it('refuses a lifetime above 10 minutes or below one second', () => {
    assert.throws(() => buildTokenClaims({ ...base, ttlSeconds: 601 }), RangeError);
    assert.throws(() => buildTokenClaims({ ...base, ttlSeconds: 0 }), RangeError);
    assert.throws(() => buildTokenClaims({ ...base, ttlSeconds: 1.5 }), RangeError);
  });

  it('formats the subject from stored ids only', () => {
    const t = randomUUID();
    const c = randomUUID();
    assert.equal(subjectFor(t, c), `tenant:${t}:connection:${c}`);
    assert.equal(subjectFor(t.toUpperCase(), c), `tenant:${t}:connection:${c}`);
    assert.throws(() => subjectFor('x:connection:y', c));
    assert.throws(() => subjectFor(t, `${c}:extra`));
  });

  it('signs an RS256 JWT with kid and typ that verifies with the public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const claims = buildTokenClaims(base);
    const token = signJwt(claims, { kid: 'k1', privateKey });
    const [h, p, s] = token.split('.');
    assert.deepEqual(decodeJwt(token), {
      header: { alg: 'RS256', kid: 'k1', typ: 'JWT' },
      claims: { ...claims },
    });
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url')));
    assert.ok(!verify('sha256', Buffer.from(`${h}.${p}x`), publicKey, Buffer.from(s, 'base64url')));
    assert.doesNotMatch(token, /[=+/]/, 'base64url without padding');
  });
});
