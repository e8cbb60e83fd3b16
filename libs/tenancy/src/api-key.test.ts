import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  API_KEY_PATTERN,
  bearerKey,
  digestsEqual,
  displayPrefix,
  generateApiKey,
  hashApiKey,
} from './api-key';
import { decodeCursor, encodeCursor, idCursor, toPage } from './pagination';
import { canAccessTenant } from './principal';

describe('api keys', () => {
  it('are tly_ + 43 base64url characters from 32 random bytes, unique, with a display prefix and a SHA-256 hash', () => {
    const keys = Array.from({ length: 50 }, () => generateApiKey());
    for (const k of keys) {
      assert.match(k.key, API_KEY_PATTERN);
      assert.equal(k.key.length, 4 + 43);
      assert.equal(Buffer.from(k.key.slice(4), 'base64url').length, 32);
      assert.equal(k.prefix, k.key.slice(0, 12));
      assert.equal(k.hash, hashApiKey(k.key));
      assert.match(k.hash, /^[0-9a-f]{64}$/);
      assert.ok(!k.hash.includes(k.key.slice(4, 20)));
    }
    assert.equal(new Set(keys.map((k) => k.key)).size, keys.length);
    assert.equal(displayPrefix('tly_abcdefghijkl'), 'tly_abcdefgh');
  });

  it('compares digests in constant time and only when they are well formed', () => {
    const h = hashApiKey('tly_x');
    assert.equal(digestsEqual(h, h), true);
    assert.equal(digestsEqual(h, hashApiKey('tly_y')), false);
    assert.equal(digestsEqual(h, h.slice(0, 62)), false);
    assert.equal(digestsEqual('', ''), false);
  });

  it('reads only well-formed bearer keys', () => {
    const { key } = generateApiKey();
    assert.equal(bearerKey(`Bearer ${key}`), key);
    assert.equal(bearerKey(`bearer   ${key}`), key);
    for (const bad of [
      undefined,
      '',
      'Bearer',
      `Basic ${key}`,
      `Bearer ${key} extra`,
      'Bearer tly_short',
      `Bearer ${key.slice(4)}`,
      `Bearer tly_${'a'.repeat(300)}`,
      [`Bearer ${key}`],
    ]) {
      assert.equal(bearerKey(bad as string | undefined), undefined, String(bad));
    }
  });
});

describe('pagination cursors', () => {
  it('round-trip and reject forgeries with a field error', () => {
    const id = '3f0e8b1c-2a4d-4c6e-9f10-1a2b3c4d5e6f';
    assert.deepEqual(decodeCursor(encodeCursor({ id }), idCursor), { id });
    for (const bad of ['%%%', 'e30', encodeCursor({ id: 'x' }), encodeCursor({ id, extra: 'y' })]) {
      assert.throws(
        () => decodeCursor(bad, idCursor),
        (err: { details: { fields: Array<{ field: string }> } }) => err.details.fields[0].field === 'cursor',
      );
    }
    assert.throws(() => decodeCursor(encodeCursor({ n: '1' }), z.strictObject({ n: z.number() })));
  });

  it('cut limit + 1 rows into a page with a cursor only when there is more', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toPage(rows, 2, (r) => ({ id: r.id }));
    assert.deepEqual(page.items, rows.slice(0, 2));
    assert.deepEqual(JSON.parse(Buffer.from(page.nextCursor!, 'base64url').toString()), { id: 'b' });
    assert.equal(toPage(rows, 3, (r) => ({ id: r.id })).nextCursor, null);
  });
});

describe('principals', () => {
  it('admins reach every tenant, tenant keys only their own', () => {
    const admin = { keyId: 'k', role: 'admin' as const };
    const tenant = { keyId: 'k', role: 'tenant' as const, tenantId: 't1' };
    assert.equal(canAccessTenant(admin, 't2'), true);
    assert.equal(canAccessTenant(tenant, 't1'), true);
    assert.equal(canAccessTenant(tenant, 't2'), false);
    assert.equal(canAccessTenant({ keyId: 'k', role: 'tenant' }, 't1'), false);
  });
});
