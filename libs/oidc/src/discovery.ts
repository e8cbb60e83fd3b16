/** The OpenID Connect Discovery 1.0 document of our issuer; `issuer` is the configured URL verbatim. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
  };
}

/** Cache-Control for both well-known documents: public, short-lived (rotation publishes new keys ahead). */
export const WELL_KNOWN_CACHE_CONTROL = 'public, max-age=300';
