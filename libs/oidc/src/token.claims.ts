import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { MAX_TOKEN_TTL_SECONDS } from './signing-key.store';

/** The claims of every token we mint. */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface TokenHeader {
  alg: 'RS256';
  kid: string;
  typ: 'JWT';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OIDC subject of a connection: `tenant:<tenantId>:connection:<connectionId>`. The one place this format lives. */
export function subjectFor(tenantId: string, connectionId: string): string {
  if (!UUID.test(tenantId) || !UUID.test(connectionId)) {
    throw new Error('subjectFor needs the stored tenant and connection ids (UUIDs)');
  }
  return `tenant:${tenantId.toLowerCase()}:connection:${connectionId.toLowerCase()}`;
}

/** The OIDC subject of an SQS destination's delivery role: `tenant:<tenantId>:destination:<destinationId>`. */
export function destinationSubjectFor(tenantId: string, destinationId: string): string {
  if (!UUID.test(tenantId) || !UUID.test(destinationId)) {
    throw new Error('destinationSubjectFor needs the stored tenant and destination ids (UUIDs)');
  }
  return `tenant:${tenantId.toLowerCase()}:destination:${destinationId.toLowerCase()}`;
}

/** Default token lifetime: enough for one STS call with retries. */
export const DEFAULT_TOKEN_TTL_SECONDS = 300;

/** Builds the claim set for `subject`; ttl is capped at 10 minutes. */
export function buildTokenClaims(
  input: { issuer: string; audience: string; subject: string; ttlSeconds?: number },
  now = Date.now(),
): TokenClaims {
  const ttl = input.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new RangeError(`token ttl must be 1-${MAX_TOKEN_TTL_SECONDS} seconds, got ${ttl}`);
  }
  const iat = Math.floor(now / 1000);
  return {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    iat,
    exp: iat + ttl,
    jti: randomUUID(),
  };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Signs a compact RS256 JWS (JWT) with the given key. */
export function signJwt(claims: object, key: { kid: string; privateKey: KeyObject }): string {
  const header: TokenHeader = { alg: 'RS256', kid: key.kid, typ: 'JWT' };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input, 'ascii'), key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/** Decodes (does NOT verify) a compact JWT: for tests and diagnostics. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [h, p] = token.split('.');
  if (!h || !p) throw new Error('not a compact JWT');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
  };
}
