// A tiny OIDC issuer for tests: serves discovery + JWKS over HTTP and mints RS256 tokens with any
// claims. Keys can be added, published, unpublished and used before they are published.
import { KeyObject, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestIssuer {
  /** The issuer URL (the `iss` claim), `http://127.0.0.1:<port>` plus `pathSuffix`. */
  url: string;
  /** `url` without the scheme, as IAM stores the provider. */
  host: string;
  /** kid of the key `mint` uses by default. */
  kid: string;
  /** Mints a token: defaults iss/iat/exp(+5 min)/jti; `kid`/`key` choose the signing key. */
  mint(claims: Record<string, unknown>, opts?: { kid?: string; sign?: 'valid' | 'wrong-key' }): string;
  /** Creates a new key (unpublished unless `publish`), returns its kid. */
  addKey(publish?: boolean): string;
  publish(kid: string): void;
  unpublish(kid: string): void;
  /** Number of JWKS documents served. */
  jwksFetches(): number;
  close(): Promise<void>;
}

/** Starts a test issuer on an ephemeral port. */
export async function startTestIssuer(opts: { pathSuffix?: string } = {}): Promise<TestIssuer> {
  const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
  const published = new Set<string>();
  let fetches = 0;
  let url = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const base = new URL(url).pathname.replace(/\/$/, '');
    if (path === `${base}/.well-known/openid-configuration`) {
      return json(res, {
        issuer: url,
        jwks_uri: `${url.replace(/\/$/, '')}/.well-known/jwks.json`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === `${base}/.well-known/jwks.json`) {
      fetches++;
      return json(res, {
        keys: [...published].map((kid) => ({
          ...keys.get(kid)!.publicKey.export({ format: 'jwk' }),
          kid,
          use: 'sig',
          alg: 'RS256',
        })),
      });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}${opts.pathSuffix ?? ''}`;

  const addKey = (publish = true) => {
    const kid = randomUUID();
    keys.set(kid, generateKeyPairSync('rsa', { modulusLength: 2048 }));
    if (publish) published.add(kid);
    return kid;
  };
  // A key the issuer never publishes (forged signatures); made only when a test asks for one.
  let strangerKey: KeyObject | undefined;
  const stranger = () => (strangerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const issuer: TestIssuer = {
    url,
    host: url.replace(/^https?:\/\//, ''),
    kid: addKey(true),
    mint(claims, o = {}) {
      const kid = o.kid ?? issuer.kid;
      const now = Math.floor(Date.now() / 1000);
      const header = b64(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
      const payload = b64(
        JSON.stringify({ iss: url, iat: now, exp: now + 300, jti: randomUUID(), ...claims }),
      );
      const key = o.sign === 'wrong-key' ? stranger() : (keys.get(kid)?.privateKey ?? stranger());
      const sig = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key).toString('base64url');
      return `${header}.${payload}.${sig}`;
    },
    addKey,
    publish: (kid) => void published.add(kid),
    unpublish: (kid) => void published.delete(kid),
    jwksFetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return issuer;
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function json(res: import('node:http').ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
