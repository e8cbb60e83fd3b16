// Test support for the dashboard's browser tests: Debian's Chromium driven by playwright-core,
// and a real stack (sandbox + api + worker) with a tenant whose connection is onboarded for real.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type BrowserContext } from 'playwright-core';
import { repoRoot } from '@tally/common';
import { createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { createApiApp } from '../../apps/api/src/app';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails with what to do when the dashboard has not been built (the api would answer 503). */
export function assertDashboardBuilt(): string {
  const dir = join(repoRoot(), 'dist', 'dashboard');
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(
      `The dashboard is not built (${dir}/index.html is missing): run \`npm run build:dashboard\` first.`,
    );
  }
  return dir;
}

/** Headless Chromium with a fresh profile (flags from shared/STACK-NOTES.md), as one browser context. */
export async function launchBrowser(
  baseURL: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'tally-chromium-'));
  // Playwright passes the profile as --user-data-dir itself (it refuses the flag in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    baseURL,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  const dir = join(repoRoot(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

export const DEMO_ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';
export const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];
export const DENIED_TYPE = 'AWS::Lambda::Function';

/** One account, three regions, enough EC2 instances for several inventory pages, one denied type. */
export const SCENARIO = {
  seed: 'dashboard-browser',
  accounts: [
    { id: DEMO_ACCOUNT, name: 'demo' },
    { id: OTHER_ACCOUNT, name: 'other' },
  ],
  regions: REGIONS,
  resources: {
    perAccountRegion: {
      'AWS::S3::Bucket': 2,
      'AWS::ECS::Cluster': 2,
      'AWS::EC2::Instance': 25,
      'AWS::Lambda::Function': 3,
      'AWS::RDS::DBInstance': 2,
    },
    taggedRatio: 0.8,
  },
  latencyMs: 15,
  paging: { maxPageSize: 10, emptyPageRate: 0.1 },
  denied: [{ accountId: DEMO_ACCOUNT, type: DENIED_TYPE }],
};

export interface Stack {
  env: TestEnvironment;
  sandbox: Sandbox;
  api: NestExpressApplication;
  worker: RunningWorker;
  url: string;
  adminKey: string;
  close(): Promise<void>;
}

/** Sandbox, api (port 0; its URL is the OIDC issuer) and worker on one isolated database + Redis prefix. */
export async function startStack(): Promise<Stack> {
  const sandbox = await startSandbox({ port: 0, scenario: SCENARIO });
  const adminKey = `tly_${randomBytes(32).toString('base64url')}`;
  const env = await createTestEnvironment({
    ADMIN_API_KEY: adminKey,
    AWS_ENDPOINT_URL_STS: sandbox.url,
    AWS_ENDPOINT_URL_CLOUDCONTROL: sandbox.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: sandbox.url,
    SYNC_CONCURRENCY: '8',
  });
  const api = await createApiApp(env.config);
  await api.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  // The issuer is known only once the api listens; the worker mints tokens for the same issuer.
  env.config.OIDC_ISSUER_URL = url;
  const worker = await startWorker({ ...env.config, WORKER_METRICS_PORT: 0 });
  return {
    env,
    sandbox,
    api,
    worker,
    url,
    adminKey,
    async close() {
      await worker.close().catch(() => undefined);
      await api.close().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      await env.close();
    },
  };
}

/** JSON over the public API with a key; throws with the problem document on non-2xx. */
export async function apiCall<T = unknown>(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? JSON.parse(text) : text) as T;
}

export interface OnboardedTenant {
  tenantId: string;
  key: string;
  connectionId: string;
}

/**
 * A tenant with its own key and a connection onboarded as a customer would: the template from the
 * API deployed into the sandbox account, then verified through the API (→ active).
 */
export async function onboardTenant(
  stack: Stack,
  name: string,
  accountId: string,
  connectionName: string,
): Promise<OnboardedTenant> {
  const { url, adminKey } = stack;
  const tenant = await apiCall<{ id: string }>(url, adminKey, 'POST', '/v1/tenants', { name });
  const created = await apiCall<{ key: string }>(url, adminKey, 'POST', `/v1/tenants/${tenant.id}/api-keys`, {
    name: `${name} dashboard`,
  });
  const conn = await apiCall<{ id: string; onboarding: { stackName?: string } }>(
    url,
    created.key,
    'POST',
    `/v1/tenants/${tenant.id}/connections`,
    {
      name: connectionName,
      accountId,
      mode: 'account',
      regions: REGIONS,
    },
  );
  const templateBody = await apiCall<string>(
    url,
    created.key,
    'GET',
    `/v1/tenants/${tenant.id}/connections/${conn.id}/cloudformation`,
  );
  const deploy = await fetch(`${stack.sandbox.url}/_sandbox/stacks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      accountId,
      stackName: conn.onboarding.stackName ?? `tally-${conn.id.slice(0, 8)}`,
      templateBody,
    }),
  });
  if (!deploy.ok) throw new Error(`sandbox stack deploy failed: ${deploy.status} ${await deploy.text()}`);
  const verified = await apiCall<{ status: string; checks: unknown[] }>(
    url,
    created.key,
    'POST',
    `/v1/tenants/${tenant.id}/connections/${conn.id}/verify`,
  );
  if (verified.status !== 'active') throw new Error(`verification did not pass: ${JSON.stringify(verified)}`);
  return { tenantId: tenant.id, key: created.key, connectionId: conn.id };
}
