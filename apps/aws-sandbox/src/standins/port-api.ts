import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An entity as the stand-in holds it. */
export interface PortStandInEntity {
  identifier: string;
  blueprint: string;
  title?: string;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  team?: unknown;
  icon?: unknown;
}

/** One request as received (Authorization shown only as which token it carried). */
export interface PortStandInRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | null;
  body: unknown;
  status: number;
}

export interface PortApiStandIn {
  url: string;
  server: Server;
  /** `blueprint/identifier` → entity. */
  entities: Map<string, PortStandInEntity>;
  blueprints: Set<string>;
  requests: PortStandInRequest[];
  /** Tokens handed out, in order. */
  tokensIssued: string[];
  /** Answer the next `count` entity requests with `status` (429 carries `Retry-After: retryAfter`). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** Revoke every token now (the next entity request gets 401). */
  expireTokens(): void;
  entity(blueprint: string, identifier: string): PortStandInEntity | undefined;
  /** Resolves when `test()` holds, checked on every request (never on a timer). */
  waitFor(test: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface PortApiStandInOptions {
  port?: number;
  /** Blueprints that exist (default: Port's AWS ones, `awsAccount` and `cloudResource`). */
  blueprints?: string[];
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime in seconds (Port's: 3 hours). */
  expiresIn?: number;
}

/**
 * A stand-in for Port's REST API, enough for the `port` destination and the demo:
 * `POST /v1/auth/access_token` (`{ clientId, clientSecret }` → `{ ok, accessToken, expiresIn }`, 401
 * on wrong credentials; tokens expire), `POST /v1/blueprints/{bp}/entities?upsert&merge
 * &create_missing_related_entities` (404 `not_found` for a missing blueprint or, without
 * create_missing_related_entities, a missing related entity, as Port answers; merge keeps the
 * properties not sent), `DELETE /v1/blueprints/{bp}/entities/{id}` (404 when absent),
 * `GET /v1/blueprints/{bp}/entities/{id}`. Relations are checked against the `relationTargets`:
 * a relation named after a blueprint's singular (`account` → `awsAccount`) targets that blueprint.
 * Control: `POST /_control { failNext: { count, status, retryAfter }, expireTokens, blueprints }`,
 * `GET /_requests`, `GET /_entities`.
 */
export async function startPortApiStandIn(opts: PortApiStandInOptions = {}): Promise<PortApiStandIn> {
  const blueprints = new Set(opts.blueprints ?? ['awsAccount', 'cloudResource']);
  const clientId = opts.clientId ?? 'port-client-id';
  const clientSecret = opts.clientSecret ?? 'port-client-secret';
  const expiresIn = opts.expiresIn ?? 10_800;
  const entities = new Map<string, PortStandInEntity>();
  const requests: PortStandInRequest[] = [];
  const tokens = new Map<string, number>();
  const tokensIssued: string[] = [];
  const waiters = new Set<() => void>();
  let failures: { count: number; status: number; retryAfter?: number } = { count: 0, status: 500 };

  /** Which blueprint a relation points to: `account` → `awsAccount`, else a blueprint of that name. */
  const relationTarget = (name: string): string | undefined =>
    [...blueprints].find((b) => b === name || b.toLowerCase() === `aws${name}`.toLowerCase());

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://port');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : null;
      const entry: PortStandInRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        token,
        body,
        status: 0,
      };
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        entry.status = status;
        if (!url.pathname.startsWith('/_')) requests.push(entry);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
        for (const w of waiters) w();
      };
      const fail = (status: number, error: string, message: string, headers?: Record<string, string>) =>
        send(status, { ok: false, error, message }, headers);

      if (url.pathname === '/_control' && req.method === 'POST') {
        const c = (body ?? {}) as {
          failNext?: { count: number; status: number; retryAfter?: number };
          expireTokens?: boolean;
          blueprints?: string[];
        };
        if (c.failNext) api.failNext(c.failNext.count, c.failNext.status, c.failNext.retryAfter);
        if (c.expireTokens) api.expireTokens();
        if (c.blueprints) {
          blueprints.clear();
          for (const b of c.blueprints) blueprints.add(b);
        }
        return send(204, {});
      }
      if (url.pathname === '/_requests') return send(200, requests);
      if (url.pathname === '/_entities') return send(200, [...entities.values()]);

      if (url.pathname === '/v1/auth/access_token' && req.method === 'POST') {
        const b = (body ?? {}) as { clientId?: string; clientSecret?: string };
        if (b.clientId !== clientId || b.clientSecret !== clientSecret)
          return fail(401, 'unauthorized', 'Invalid client credentials');
        const accessToken = `port_${randomUUID()}`;
        tokens.set(accessToken, Date.now() + expiresIn * 1000);
        tokensIssued.push(accessToken);
        return send(200, { ok: true, accessToken, expiresIn, tokenType: 'Bearer' });
      }

      const m = /^\/v1\/blueprints\/([^/]+)\/entities(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m) return fail(404, 'not_found', `Route ${req.method} ${url.pathname} not found`);
      const expires = token ? tokens.get(token) : undefined;
      if (!expires || expires < Date.now()) return fail(401, 'unauthorized', 'Token is invalid or expired');
      if (failures.count > 0) {
        failures.count--;
        const headers: Record<string, string> =
          failures.status === 429 ? { 'retry-after': String(failures.retryAfter ?? 1) } : {};
        return fail(
          failures.status,
          failures.status === 429 ? 'too_many_requests' : 'internal_error',
          'stand-in failing on purpose',
          headers,
        );
      }
      const blueprint = decodeURIComponent(m[1]);
      const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      if (!blueprints.has(blueprint))
        return fail(404, 'not_found', `Blueprint with identifier "${blueprint}" was not found`);

      if (req.method === 'POST' && id === undefined) {
        const e = (body ?? {}) as Partial<PortStandInEntity>;
        if (typeof e.identifier !== 'string' || !/^[A-Za-z0-9@_.:\\/=-]+$/.test(e.identifier))
          return fail(400, 'bad_request', 'identifier must match ^[A-Za-z0-9@_.:\\\\/=-]+$');
        const createMissing = url.searchParams.get('create_missing_related_entities') === 'true';
        for (const [name, target] of Object.entries(e.relations ?? {})) {
          if (target === null) continue;
          const targetBp = relationTarget(name);
          if (!targetBp)
            return fail(
              422,
              'relation_not_found',
              `Relation "${name}" does not exist on blueprint "${blueprint}"`,
            );
          for (const t of Array.isArray(target) ? target : [target]) {
            const key = `${targetBp}/${String(t)}`;
            if (entities.has(key)) continue;
            if (!createMissing)
              return fail(
                404,
                'not_found',
                `Entity with identifier "${String(t)}" of blueprint "${targetBp}" was not found`,
              );
            entities.set(key, { identifier: String(t), blueprint: targetBp, properties: {}, relations: {} });
          }
        }
        const key = `${blueprint}/${e.identifier}`;
        const existing = entities.get(key);
        if (existing && url.searchParams.get('upsert') !== 'true')
          return fail(409, 'identifier_taken', `Entity "${e.identifier}" already exists`);
        const merge = url.searchParams.get('merge') === 'true';
        const next: PortStandInEntity =
          existing && merge
            ? {
                ...existing,
                ...(e.title !== undefined ? { title: e.title } : {}),
                ...(e.team !== undefined ? { team: e.team } : {}),
                ...(e.icon !== undefined ? { icon: e.icon } : {}),
                properties: { ...existing.properties, ...(e.properties ?? {}) },
                relations: { ...existing.relations, ...(e.relations ?? {}) },
              }
            : {
                identifier: e.identifier,
                blueprint,
                ...(e.title !== undefined ? { title: e.title } : {}),
                ...(e.team !== undefined ? { team: e.team } : {}),
                ...(e.icon !== undefined ? { icon: e.icon } : {}),
                properties: e.properties ?? {},
                relations: e.relations ?? {},
              };
        entities.set(key, next);
        return send(existing ? 200 : 201, { ok: true, entity: next });
      }
      if (id !== undefined && (req.method === 'DELETE' || req.method === 'GET')) {
        const key = `${blueprint}/${id}`;
        const found = entities.get(key);
        if (!found) return fail(404, 'not_found', `Entity with identifier "${id}" was not found`);
        if (req.method === 'GET') return send(200, { ok: true, entity: found });
        entities.delete(key);
        return send(200, { ok: true });
      }
      return fail(404, 'not_found', `Route ${req.method} ${url.pathname} not found`);
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const api: PortApiStandIn = {
    url: `http://127.0.0.1:${port}`,
    server,
    entities,
    blueprints,
    requests,
    tokensIssued,
    failNext: (count, status, retryAfter) => {
      failures = { count, status, retryAfter };
    },
    expireTokens: () => tokens.clear(),
    entity: (blueprint, identifier) => entities.get(`${blueprint}/${identifier}`),
    waitFor: (test, what, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!test()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Port stand-in: no ${what} after ${timeoutMs} ms (${requests.length} requests)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return api;
}
