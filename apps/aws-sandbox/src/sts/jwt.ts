// Compact JWS parsing and RS256 verification (node:crypto only).
import { KeyObject, verify } from 'node:crypto';
import { stsErrors } from './sts.errors';

export interface ParsedJwt {
  header: { alg?: string; kid?: string; typ?: string };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const NOT_A_JWT =
  'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';

/** Splits and decodes a JWT; InvalidIdentityToken when it is not one. */
export function parseJwt(token: string): ParsedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) throw stsErrors.invalidToken(NOT_A_JWT);
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (
      !header ||
      typeof header !== 'object' ||
      !payload ||
      typeof payload !== 'object' ||
      Array.isArray(payload)
    ) {
      throw new Error('not objects');
    }
    return {
      header,
      payload,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    throw stsErrors.invalidToken(NOT_A_JWT);
  }
}

/** Checks an RS256 signature. */
export function verifyRs256(jwt: ParsedJwt, key: KeyObject): boolean {
  return verify('RSA-SHA256', Buffer.from(jwt.signingInput), key, jwt.signature);
}
