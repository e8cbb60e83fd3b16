import { createHash } from 'node:crypto';
import type { PortEntity } from '@tally/mapping';
import { requestDestination, type HttpResponse } from '../net/http-client';
import {
  deliverPerResource,
  describeStatus,
  type DeliveryContext,
  type DeliveryItem,
  type DestinationAdapter,
  type ItemOutcome,
} from './adapter';

export const PORT_DEFAULT_BASE_URL = 'https://api.getport.io';

/** A token is renewed this long before Port says it expires (clock skew, requests in flight). */
const REFRESH_MARGIN_MS = 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Thrown inside a delivery to end it with this outcome (token refused, rate limited…). */
class PortStop extends Error {
  constructor(readonly outcome: Extract<ItemOutcome, { ok: false }>) {
    super(outcome.error);
  }
}

/** Retry-After in ms: seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw && /^\d+(\.\d+)?$/.test(raw.trim())) return Math.ceil(Number(raw) * 1000);
  const at = raw ? Date.parse(raw) : NaN;
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

/** Port's error body `{ ok: false, error, message }`, or the raw text. */
function portError(res: HttpResponse): { code: string | null; message: string } {
  try {
    const body = JSON.parse(res.body) as { error?: string; message?: string };
    return { code: body.error ?? null, message: body.message ?? res.body };
  } catch {
    return { code: null, message: res.body };
  }
}

/** The entity as Port's create-entity body takes it: no `blueprint`, no null title/team/icon. */
export function portEntityBody(e: PortEntity): Record<string, unknown> {
  return {
    identifier: e.identifier,
    ...(e.title !== null && e.title !== undefined ? { title: e.title } : {}),
    properties: e.properties,
    relations: e.relations,
    ...(e.team !== null && e.team !== undefined ? { team: e.team } : {}),
    ...(e.icon !== null && e.icon !== undefined ? { icon: e.icon } : {}),
  };
}

/**
 * `port`: each change's mapped entities upserted into Port (`upsert=true&merge=true`) or, for a
 * deletion, deleted by blueprint and identifier, with a client-credentials token cached per
 * destination and renewed before it expires (and once on a 401).
 *
 * - Relations to entities not created yet: `create_missing_related_entities=true`, as Port's own
 *   integrations send it: Port creates a bare related entity that its own upsert later fills in
 *   (an account whose resources arrive first).
 * - 429: nothing more is sent in the batch; the retry waits Retry-After. 5xx and network errors:
 *   the engine's backoff.
 * - 404 `not_found` on an upsert (a blueprint Port does not have), 422 (the entity does not fit the
 *   blueprint), 413, 401/403 from the token endpoint: customer errors retrying cannot fix; the
 *   destination pauses with Port's words and what to do.
 * - A 404 on a delete: already gone, success.
 */
export class PortAdapter implements DestinationAdapter {
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests in flight: parallel requests of a batch share one (Port keeps one token per client). */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  async deliver(batch: DeliveryItem[], ctx: DeliveryContext): Promise<ItemOutcome[]> {
    const base = String(ctx.destination.config.baseUrl ?? PORT_DEFAULT_BASE_URL).replace(/\/+$/, '');
    let stopped: Extract<ItemOutcome, { ok: false }> | undefined;
    return deliverPerResource(batch, async (item) => {
      // After a rate limit or a customer error the rest of the batch is not sent (same outcome).
      if (stopped) return stopped;
      try {
        if (item.test) {
          await this.token(base, ctx, false);
          return { ok: true };
        }
        for (const entity of item.entities ?? []) {
          const out =
            item.kind === 'deleted'
              ? await this.remove(base, ctx, entity)
              : await this.upsert(base, ctx, entity);
          if (!out.ok) {
            if (out.retryAfterMs !== undefined || out.pause) stopped = out;
            return out;
          }
        }
        return { ok: true };
      } catch (err) {
        if (!(err instanceof PortStop)) throw err;
        stopped = err.outcome;
        return err.outcome;
      }
    });
  }

  private async upsert(base: string, ctx: DeliveryContext, e: PortEntity): Promise<ItemOutcome> {
    const url =
      `${base}/v1/blueprints/${encodeURIComponent(e.blueprint)}/entities` +
      `?upsert=true&merge=true&create_missing_related_entities=true`;
    const res = await this.call(base, ctx, 'POST', url, JSON.stringify(portEntityBody(e)));
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const { code, message } = portError(res);
    const host = new URL(base).host;
    if (res.status === 404) {
      return {
        ok: false,
        pause: true,
        error:
          `Port has no blueprint "${e.blueprint}" (entity ${e.identifier}; Port said: ${code ?? 'not_found'}: ${message.slice(0, 200)}): ` +
          `create blueprint ${e.blueprint} in Port, or change the mapping`,
      };
    }
    if (res.status === 422 || res.status === 413 || res.status === 400) {
      return {
        ok: false,
        pause: true,
        error:
          `Port refused entity ${e.identifier} of blueprint ${e.blueprint} (HTTP ${res.status}${code ? ` ${code}` : ''}: ${message.slice(0, 200)}): ` +
          `change blueprint ${e.blueprint} in Port, or the mapping`,
      };
    }
    return this.otherFailure(host, res);
  }

  private async remove(base: string, ctx: DeliveryContext, e: PortEntity): Promise<ItemOutcome> {
    const url = `${base}/v1/blueprints/${encodeURIComponent(e.blueprint)}/entities/${encodeURIComponent(e.identifier)}`;
    const res = await this.call(base, ctx, 'DELETE', url);
    if ((res.status >= 200 && res.status < 300) || res.status === 404) return { ok: true };
    return this.otherFailure(new URL(base).host, res);
  }

  private otherFailure(host: string, res: HttpResponse): ItemOutcome {
    const error = describeStatus(host, res.status, res.body);
    if (res.status === 429)
      return { ok: false, error, retryAfterMs: retryAfterMs(res.headers['retry-after']) };
    if (res.status === 403) {
      return {
        ok: false,
        pause: true,
        error: `${error}: the Port credentials lack permission for this; give the client write access to the blueprint`,
      };
    }
    return { ok: false, error };
  }

  /** One authorized request; on a 401 the token is renewed once and the request sent again. */
  private async call(
    base: string,
    ctx: DeliveryContext,
    method: 'POST' | 'DELETE',
    url: string,
    body?: string,
  ): Promise<HttpResponse> {
    let refused: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(base, ctx, attempt > 0, refused);
      const res = await requestDestination(
        { method, url, body, timeoutMs: ctx.timeoutMs, headers: { authorization: `Bearer ${token}` } },
        ctx.policy,
      );
      if (res.status !== 401 || attempt > 0) return res;
      refused = token;
    }
  }

  /**
   * The cached token, or a new one from `POST /v1/auth/access_token` (renewed REFRESH_MARGIN_MS
   * before it expires). `stale`: the token a request was refused with (401); only that one is replaced.
   */
  private async token(base: string, ctx: DeliveryContext, renew: boolean, stale?: string): Promise<string> {
    const clientId = String(ctx.destination.config.clientId ?? '');
    const secret = ctx.secrets.clientSecret ?? '';
    const key = createHash('sha256')
      .update(`${ctx.destination.id}\u0000${base}\u0000${clientId}\u0000${secret}`)
      .digest('hex');
    const cached = this.tokens.get(key);
    const fresh = cached && cached.expiresAt - REFRESH_MARGIN_MS > this.now();
    if (fresh && (!renew || (stale !== undefined && cached.token !== stale))) return cached.token;
    let inflight = this.pending.get(key);
    if (!inflight) {
      inflight = this.fetchToken(base, ctx, key, clientId, secret).finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
    }
    return inflight;
  }

  private async fetchToken(
    base: string,
    ctx: DeliveryContext,
    key: string,
    clientId: string,
    secret: string,
  ): Promise<string> {
    const res = await requestDestination(
      {
        method: 'POST',
        url: `${base}/v1/auth/access_token`,
        body: JSON.stringify({ clientId, clientSecret: secret }),
        timeoutMs: ctx.timeoutMs,
      },
      ctx.policy,
    );
    const host = new URL(base).host;
    if (res.status === 401 || res.status === 403 || res.status === 400 || res.status === 404) {
      throw new PortStop({
        ok: false,
        pause: true,
        error: `${describeStatus(host, res.status, res.body)}: Port refused the client ID and secret; check them in Port (Credentials) and update the destination`,
      });
    }
    if (res.status === 429)
      throw new PortStop({
        ok: false,
        error: describeStatus(host, res.status, res.body),
        retryAfterMs: retryAfterMs(res.headers['retry-after']),
      });
    if (res.status < 200 || res.status >= 300)
      throw new PortStop({ ok: false, error: describeStatus(host, res.status, res.body) });
    let parsed: { accessToken?: unknown; expiresIn?: unknown };
    try {
      parsed = JSON.parse(res.body) as typeof parsed;
    } catch {
      parsed = {};
    }
    if (typeof parsed.accessToken !== 'string' || !parsed.accessToken) {
      throw new PortStop({ ok: false, error: `${host} answered the token request without an accessToken` });
    }
    // Port's tokens last 3 hours; expiresIn is in seconds.
    const lifetime = typeof parsed.expiresIn === 'number' ? parsed.expiresIn * 1000 : 3 * 3_600_000;
    this.tokens.set(key, { token: parsed.accessToken, expiresAt: this.now() + lifetime });
    if (this.tokens.size > 10_000) this.tokens.delete(this.tokens.keys().next().value!);
    return parsed.accessToken;
  }
}
