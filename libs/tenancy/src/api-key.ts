import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every Tally API key starts with this, so a leaked key is recognisable (and scannable). */
const API_KEY_PREFIX = 'tly_';
/** Shape of a key: the prefix and 43+ base64url characters (32 random bytes). */
export const API_KEY_PATTERN = /^tly_[A-Za-z0-9_-]{43,}$/;
/** How many characters of a key are kept for display. */
const DISPLAY_PREFIX_LENGTH = 12;

export interface GeneratedApiKey {
  /** The secret: shown once to the caller, never stored. */
  key: string;
  /** The first characters, safe to show in lists. */
  prefix: string;
  /** SHA-256 (hex) of the whole key: what the database stores. */
  hash: string;
}

/** Makes a new random API key (32 random bytes) with its display prefix and stored hash. */
export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: displayPrefix(key), hash: hashApiKey(key) };
}

/** SHA-256 of a key, hex: keys are high-entropy, so a fast hash is the right tool (no salt needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key shown in lists. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** Compares two hex digests in constant time. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Extracts a well-formed key from an `Authorization: Bearer …` header, or undefined. */
export function bearerKey(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match || match[1].length > 200 || !API_KEY_PATTERN.test(match[1])) return undefined;
  return match[1];
}
