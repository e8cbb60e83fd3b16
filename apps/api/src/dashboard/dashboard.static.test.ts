import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createDashboardHandler, DASHBOARD_CSP, isApiPath } from './dashboard.static';

/** An express app with the dashboard handler in front of a stand-in API that answers every path. */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(createDashboardHandler(dir));
  app.use((req, res) =>
    res
      .status(404)
      .type('application/problem+json')
      .send(JSON.stringify({ status: 404, instance: req.path })),
  );
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('dashboard static serving', () => {
  let dir: string;
  let built: { url: string; server: Server };
  let missing: { url: string; server: Server };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>Tally</title><script type="module" src="/assets/app-abc123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("tally")');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, '.secret'), 'no');
    built = await serve(dir);
    missing = await serve(join(dir, 'not-there'));
  });

  after(async () => {
    await new Promise((r) => built.server.close(r));
    await new Promise((r) => missing.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a strict CSP and no caching', async () => {
    const res = await fetch(`${built.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('content-security-policy'), DASHBOARD_CSP);
    assert.match(DASHBOARD_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await res.text(), /<title>Tally<\/title>/);
  });

  it('serves hashed assets as immutable and other files with a short cache', async () => {
    const asset = await fetch(`${built.url}/assets/app-abc123.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await asset.text(), 'console.log("tally")');
    const icon = await fetch(`${built.url}/favicon.svg`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('cache-control'), 'public, max-age=3600');
  });

  it('answers index.html for client-side routes (deep links)', async () => {
    for (const path of [
      '/tenants/t1/connections/c1',
      '/tenants/t1/resources?type=AWS::S3::Bucket',
      '/anything/else',
    ]) {
      const res = await fetch(`${built.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      assert.match(await res.text(), /<title>Tally/, path);
    }
  });

  it('never answers API paths, missing assets, dotfiles or non-GET requests', async () => {
    const paths = [
      '/v1',
      '/v1/tenants',
      '/docs',
      '/docs-json',
      '/.well-known/jwks.json',
      '/healthz',
      '/readyz',
      '/metrics',
      '/assets/missing.js',
      '/missing.css',
      '/.secret',
    ];
    for (const path of paths) {
      const res = await fetch(`${built.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/, path);
      assert.equal(res.headers.get('cache-control'), null, path);
    }
    const post = await fetch(`${built.url}/`, { method: 'POST' });
    assert.equal(post.status, 404);
  });

  it('recognises API paths exactly', () => {
    assert.equal(isApiPath('/v1/tenants'), true);
    assert.equal(isApiPath('/docs-json'), true);
    assert.equal(isApiPath('/v10'), false);
    assert.equal(isApiPath('/metricsfoo'), false);
    assert.equal(isApiPath('/tenants/v1'), false);
  });

  it('says clearly when the dashboard is not built, without a 500', async () => {
    const res = await fetch(`${missing.url}/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /dashboard is not built.*npm run build:dashboard/s);
    const api = await fetch(`${missing.url}/v1/tenants`);
    assert.equal(api.status, 404, 'API paths still reach the API');
  });
});
