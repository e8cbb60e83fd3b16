import type { Metrics } from '@tally/metrics';
import type { SessionCredentials } from '../sts/web-identity';

/** Refresh this long before Expiration: 5 minutes, or 20% of a shorter lifetime. */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.max(0, Math.min(5 * 60_000, lifetimeMs * 0.2));
}

interface Entry {
  credentials: SessionCredentials;
  refreshAt: number;
}

/**
 * Session credentials per key, in process memory only, with one refresh in flight per key.
 * Nothing here is ever serialized or logged.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<SessionCredentials>>();

  constructor(private readonly metrics: Pick<Metrics, 'credentialCache'>) {}

  /** Cached credentials while fresh; otherwise the single shared call to `fetch`. */
  async get(
    key: string,
    fetch: () => Promise<SessionCredentials>,
    now = Date.now,
  ): Promise<SessionCredentials> {
    const entry = this.entries.get(key);
    const hit = !!entry && now() < entry.refreshAt;
    this.metrics.credentialCache(hit);
    if (hit) return entry.credentials;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.refresh(key, fetch, now).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private async refresh(
    key: string,
    fetch: () => Promise<SessionCredentials>,
    now: () => number,
  ): Promise<SessionCredentials> {
    const credentials = await fetch();
    const receivedAt = now();
    const expiresAt = credentials.expiration.getTime();
    this.entries.set(key, { credentials, refreshAt: expiresAt - refreshMarginMs(expiresAt - receivedAt) });
    return credentials;
  }
}
