import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { parseConfig } from '@tally/config';
import { CapturedLogs, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { createApiApp } from '../app';

async function listen(app: NestExpressApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** A port nothing listens on: bind, read the port, close. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('health endpoints', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let url: string;
  const logs = new CapturedLogs();

  before(async () => {
    env = await createTestEnvironment({ LOG_LEVEL: 'info' });
    app = await createApiApp(env.config, { logDestination: logs });
    url = await listen(app);
  });
  after(async () => {
    await app.close();
    await env.close();
  });

  it('is live and ready with PostgreSQL and Redis up', async () => {
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      status: 'ready',
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
  });

  it('answers unknown routes with problem+json 404', async () => {
    const res = await fetch(`${url}/v1/no/such/route`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const body = (await res.json()) as { status: number; detail: string };
    assert.equal(body.status, 404);
    assert.match(body.detail, /No route GET \/v1\/no\/such\/route/);
  });

  it('never logs the Authorization header, and tags each request with an id', async () => {
    const secret = `tly_${'s'.repeat(43)}`;
    const res = await fetch(`${url}/v1/no/such/route`, {
      headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'req-abc.1' },
    });
    assert.equal(res.headers.get('x-request-id'), 'req-abc.1');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(logs.text.includes('req-abc.1'), 'the request was logged with its id');
    assert.ok(!logs.text.includes(secret), 'the key must not appear in logs');
    assert.ok(logs.text.includes('[redacted]'));
  });
});

describe('readiness with Redis down', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;

  before(async () => {
    env = await createTestEnvironment();
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: env.config.DATABASE_URL,
      REDIS_URL: `redis://127.0.0.1:${await deadPort()}`,
    });
    app = await createApiApp(config);
  });
  after(async () => {
    await app.close();
    await env.close();
  });

  it('answers 503 naming Redis', async () => {
    const url = await listen(app);
    const res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as {
      status: string;
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    assert.equal(body.status, 'not ready: redis down');
    assert.equal(body.checks.postgres.ok, true);
    assert.equal(body.checks.redis.ok, false);
    assert.ok(body.checks.redis.error);
  });
});
