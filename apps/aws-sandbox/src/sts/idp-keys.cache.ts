// Fetches an OIDC issuer's discovery document and JWKS over HTTP, as STS does, and caches the
// public keys per issuer. An unknown `kid` triggers one refetch (keys rotate); concurrent lookups
// share one fetch.
import { KeyObject, createPublicKey } from 'node:crypto';
import { stsErrors } from './sts.errors';

interface IssuerKeys {
  fetchedAt: number;
  keys: Map<string, KeyObject>;
}

export interface IdpKeyCacheOptions {
  /** How long fetched keys are trusted before a refetch (default 5 minutes). */
  ttlMs?: number;
  /** Per HTTP request timeout (default 5 s). */
  timeoutMs?: number;
}

/** Public keys of OIDC issuers, fetched on demand. */
export class IdpKeyCache {
  private readonly entries = new Map<string, IssuerKeys>();
  private readonly inflight = new Map<string, Promise<IssuerKeys>>();
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(options: IdpKeyCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The verification key `kid` of `issuer`; InvalidIdentityToken if it is not published, IDPCommunicationError if unreachable. */
  async getKey(issuer: string, kid: string | undefined): Promise<KeyObject> {
    let entry = this.entries.get(issuer);
    let refreshed = false;
    if (!entry || Date.now() - entry.fetchedAt > this.ttlMs) {
      entry = await this.refresh(issuer);
      refreshed = true;
    }
    let key = pick(entry, kid);
    if (!key && !refreshed) key = pick(await this.refresh(issuer), kid);
    if (!key) throw stsErrors.noVerificationKey();
    return key;
  }

  clear(): void {
    this.entries.clear();
  }

  private refresh(issuer: string): Promise<IssuerKeys> {
    let p = this.inflight.get(issuer);
    if (!p) {
      p = this.fetchKeys(issuer).finally(() => this.inflight.delete(issuer));
      this.inflight.set(issuer, p);
    }
    return p;
  }

  private async fetchKeys(issuer: string): Promise<IssuerKeys> {
    const discovery = await this.fetchJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw stsErrors.noVerificationKey();
    const jwks = (await this.fetchJson(jwksUri)) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw stsErrors.noVerificationKey();
    const keys = new Map<string, KeyObject>();
    for (const jwk of jwks.keys as Record<string, unknown>[]) {
      if (!jwk || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      try {
        keys.set(
          typeof jwk.kid === 'string' ? jwk.kid : '',
          createPublicKey({ key: jwk as never, format: 'jwk' }),
        );
      } catch {
        // A malformed key is ignored, like any other key that cannot verify.
      }
    }
    const entry = { fetchedAt: Date.now(), keys };
    this.entries.set(issuer, entry);
    return entry;
  }

  private async fetchJson(url: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch {
      throw stsErrors.idpUnreachable();
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw stsErrors.idpUnreachable();
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw stsErrors.noVerificationKey();
    }
    try {
      return await res.json();
    } catch {
      throw stsErrors.noVerificationKey();
    }
  }
}

function pick(entry: IssuerKeys, kid: string | undefined): KeyObject | undefined {
  if (kid !== undefined) return entry.keys.get(kid);
  // Without a kid the token is only verifiable when the issuer publishes exactly one key.
  return entry.keys.size === 1 ? entry.keys.values().next().value : undefined;
}
