import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  decryptPrivateKey,
  encryptPrivateKey,
  generateSigningKey,
  loadPrivateKey,
  rsaThumbprint,
} from './signing-key.crypto';

const kek = randomBytes(32);

describe('signing key encryption', () => {
  it('round-trips a private key and binds it to its kid', async () => {
    const key = await generateSigningKey(kek);
    const privateKey = loadPrivateKey(key.privateKeyCipher, kek, key.kid);
    assert.equal(privateKey.asymmetricKeyType, 'rsa');
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    assert.equal(
      key.privateKeyCipher.indexOf(der.subarray(40, 80)),
      -1,
      'ciphertext must not contain the key',
    );
    // The public JWK belongs to the private key.
    const sig = (await import('node:crypto')).sign('sha256', Buffer.from('x'), privateKey);
    assert.ok(
      verify('sha256', Buffer.from('x'), createPublicKey({ key: { ...key.publicJwk }, format: 'jwk' }), sig),
    );
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('uses a fresh IV per encryption', () => {
    const a = encryptPrivateKey(Buffer.from('same plaintext'), kek, 'kid');
    const b = encryptPrivateKey(Buffer.from('same plaintext'), kek, 'kid');
    assert.notDeepEqual(a.subarray(0, 12), b.subarray(0, 12));
    assert.notDeepEqual(a, b);
  });

  it('rejects a tampered ciphertext, tag or IV, another kid and another key', () => {
    const plain = randomBytes(100);
    const blob = encryptPrivateKey(plain, kek, 'kid-1');
    assert.deepEqual(decryptPrivateKey(blob, kek, 'kid-1'), plain);
    for (const at of [0, 12, 28, blob.length - 1]) {
      const bad = Buffer.from(blob);
      bad[at] ^= 1;
      assert.throws(() => decryptPrivateKey(bad, kek, 'kid-1'), /cannot be decrypted/);
    }
    assert.throws(() => decryptPrivateKey(blob, kek, 'kid-2'), /cannot be decrypted/);
    assert.throws(() => decryptPrivateKey(blob, randomBytes(32), 'kid-1'), /cannot be decrypted/);
    assert.throws(() => decryptPrivateKey(blob.subarray(0, 20), kek, 'kid-1'), /truncated/);
  });

  it("computes the RFC 7638 thumbprint (the RFC's own example)", () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    assert.equal(rsaThumbprint({ n, e: 'AQAB' }), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});
