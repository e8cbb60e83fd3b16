import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';

const generateRsa = promisify(generateKeyPair);

/** The public half of a signing key as published in the JWKS. */
export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** A freshly generated key: what gets stored (public JWK, encrypted private key) plus its kid. */
export interface GeneratedSigningKey {
  kid: string;
  publicJwk: PublicJwk;
  privateKeyCipher: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 1;

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key: a stable, content-derived kid. */
export function rsaThumbprint(jwk: { n: string; e: string }): string {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Associated data binding a ciphertext to its kid: a blob moved to another row fails to decrypt. */
function associatedData(kid: string): Buffer {
  return Buffer.from(`tally-signing-key:v${FORMAT_VERSION}:${kid}`, 'utf8');
}

/** Encrypts a PKCS#8 DER private key with AES-256-GCM; output is iv(12) | tag(16) | ciphertext. */
export function encryptPrivateKey(pkcs8Der: Buffer, keyEncryptionKey: Buffer, kid: string): Buffer {
  if (keyEncryptionKey.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(kid));
  const data = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
}

/** Decrypts what encryptPrivateKey produced; throws if the blob, the key or the kid do not match. */
export function decryptPrivateKey(blob: Buffer | Uint8Array, keyEncryptionKey: Buffer, kid: string): Buffer {
  const bytes = Buffer.from(blob);
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw new Error(`signing key ${kid}: ciphertext is truncated`);
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyEncryptionKey, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(kid));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    // Never echo key material; say what to check instead.
    throw new Error(
      `signing key ${kid} cannot be decrypted: wrong KEY_ENCRYPTION_KEY or tampered ciphertext`,
    );
  }
}

/** Generates an RSA-2048 key pair, its kid and the encrypted private key ready to store. */
export async function generateSigningKey(keyEncryptionKey: Buffer): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
  });
  const jwk = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const kid = rsaThumbprint({ n: jwk.n!, e: jwk.e! });
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return {
      kid,
      publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e!, kid, alg: 'RS256', use: 'sig' },
      privateKeyCipher: encryptPrivateKey(der, keyEncryptionKey, kid),
    };
  } finally {
    der.fill(0);
  }
}

/** Turns a stored ciphertext back into a usable private KeyObject. */
export function loadPrivateKey(blob: Buffer | Uint8Array, keyEncryptionKey: Buffer, kid: string): KeyObject {
  const der = decryptPrivateKey(blob, keyEncryptionKey, kid);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}
