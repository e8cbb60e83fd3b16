import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createRedis } from '@tally/jobs';
import { generateApiKey } from '@tally/tenancy';
import { createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { createApiApp } from '../app';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON (problem+json included). */
  body: any;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (for malformed bodies); overrides `body`. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface ApiHarness {
  env: TestEnvironment;
  app: NestExpressApplication;
  url: string;
  adminKey: string;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

/**
 * One api per test file: its own database and Redis prefix, listening on an ephemeral port, with
 * a bootstrap admin key. Requests default to the admin key; pass `key: null` for none.
 */
export async function startApi(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const adminKey = generateApiKey().key;
  const env = await createTestEnvironment({
    ADMIN_API_KEY: adminKey,
    // Real AWS is out of reach in tests: a closed port makes AWS calls fail fast and deterministically.
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_ORGANIZATIONS: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_CLOUDCONTROL: 'http://127.0.0.1:9',
    ...overrides,
  });
  const app = await createApiApp(env.config);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? adminKey : options.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url + path, { method, headers: { ...headers, ...options.headers }, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  async function close(): Promise<void> {
    await app.close();
    await clearRedisPrefix(env);
    await env.close();
  }

  return { env, app, url, adminKey, request, close };
}

/** Deletes the keys this test run left in Redis (queues, rate-limit counters). */
async function clearRedisPrefix(env: TestEnvironment): Promise<void> {
  const redis = createRedis(env.config, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.config.REDIS_PREFIX}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A tenant made over the API by the admin key, with a tenant key unless `withKey: false`. */
export async function signUpTenant(
  api: ApiHarness,
  { name = 'Acme Corp', withKey = true } = {},
): Promise<{ tenantId: string; tenantKey: string }> {
  const tenant = await api.request('POST', '/v1/tenants', { body: { name } });
  if (tenant.status !== 201) throw new Error(`tenant not created: ${tenant.text}`);
  const tenantId: string = tenant.body.id;
  if (!withKey) return { tenantId, tenantKey: '' };
  const key = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, { body: { name: 'ci' } });
  return { tenantId, tenantKey: key.body.key };
}

/** The audit rows of one action, oldest first. */
export function audits(api: ApiHarness, action: string) {
  return api.env.prisma.auditEvent.findMany({ where: { action }, orderBy: { at: 'asc' } });
}

/** What a suite gets: its api and, unless `tenant: false`, a tenant signed up over the API with its key. */
export interface Suite {
  api: ApiHarness;
  tenantId: string;
  tenantKey: string;
}

/** One api for the enclosing describe (config `env` overrides): started before its tests (then `ready`), closed after them. */
export function suiteApi(
  ready: (suite: Suite) => void | Promise<void>,
  { tenant = true, env = {} as Record<string, string> } = {},
): void {
  let api: ApiHarness | undefined;
  before(async () => {
    api = await startApi(env);
    await ready({ api, ...(tenant ? await signUpTenant(api) : { tenantId: '', tenantKey: '' }) });
  });
  after(async () => {
    await api?.close();
  });
}

/** Asserts that each of `actions` was audited and that every audit row names its actor and request. */
export async function assertAudited(api: ApiHarness, actions: string[]): Promise<void> {
  const events = await api.env.prisma.auditEvent.findMany();
  const seen = events.map((e) => e.action);
  for (const a of actions) assert.ok(seen.includes(a), `audited ${a}`);
  for (const e of events.filter((x) => x.action !== 'api_key.bootstrap')) {
    assert.ok(e.actorKeyId && e.requestId, `${e.action} has who and request`);
  }
}
