// Test harness (not a test): a tenant + connection synced by the real worker (BullMQ in-process)
// against the sandbox over HTTP, with an OIDC issuer serving the test database's keys.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoveryDocument, SigningKeyService, subjectFor } from '@tally/oidc';
import type { Connection, SyncRun } from '@tally/db';
import { propertiesHash, SyncRunsService } from '@tally/sync';
import {
  createTenant,
  createTestEnvironment,
  webIdentityTrustPolicy,
  type TestEnvironment,
} from '@tally/testing';
export type { TruthResource } from '../../apps/aws-sandbox/src/cloud/control/truth';
import type { TruthResource } from '../../apps/aws-sandbox/src/cloud/control/truth';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';

export const ROLE = 'TallyReadOnly';

export interface HarnessOptions {
  scenario: Record<string, unknown>;
  mode: 'account' | 'organization';
  accountId: string;
  regions: string[];
  resourceTypes?: string[];
  env?: Record<string, string>;
  /** Start the in-process worker (default true). */
  worker?: boolean;
}

export interface SyncHarness {
  env: TestEnvironment;
  sandbox: Sandbox;
  worker: RunningWorker | null;
  tenantId: string;
  connection: Connection;
  /** Lets accounts trust this connection (provider + role), as the StackSet would. */
  onboard(accountIds: string[]): void;
  startWorker(): Promise<RunningWorker>;
  requestRun(): Promise<SyncRun>;
  waitForRun(runId: string, timeoutMs?: number): Promise<SyncRun>;
  /** requestRun + waitForRun. */
  sync(timeoutMs?: number): Promise<SyncRun>;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  truth(): Promise<TruthResource[]>;
  /** Live resources in the database as `account|region|type|identifier` -> properties hash. */
  inventory(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export const keyOf = (r: { accountId: string; region: string; type: string; identifier: string }) =>
  `${r.accountId}|${r.region}|${r.type}|${r.identifier}`;

/** Starts sandbox, issuer, database and (optionally) the worker, with one active connection. */
export async function startSyncHarness(opts: HarnessOptions): Promise<SyncHarness> {
  const sandbox = await startSandbox({ port: 0, scenario: opts.scenario });
  let keys: SigningKeyService | undefined;
  const issuerServer: Server = createServer((req, res) => {
    const send = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') return send(discoveryDocument(issuer));
    if (req.url === '/.well-known/jwks.json' && keys) {
      keys.jwks().then(send, () => res.writeHead(500).end());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  const env = await createTestEnvironment({
    OIDC_ISSUER_URL: issuer,
    AWS_ENDPOINT_URL_STS: sandbox.url,
    AWS_ENDPOINT_URL_CLOUDCONTROL: sandbox.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: sandbox.url,
    AWS_ENDPOINT_URL_SQS: sandbox.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: sandbox.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: sandbox.url,
    SYNC_TASK_BACKOFF_MS: '200',
    SYNC_CONCURRENCY: '8',
    ...opts.env,
  });
  keys = new SigningKeyService(env.prisma, env.config);
  await keys.onModuleInit();
  const tenant = await createTenant(env.prisma);
  const connection = await env.prisma.connection.create({
    data: {
      tenantId: tenant.id,
      name: 'harness',
      accountId: opts.accountId,
      mode: opts.mode,
      regions: opts.regions,
      resourceTypes: opts.resourceTypes ?? [],
      roleName: ROLE,
      status: 'active',
    },
  });
  const host = issuer.replace(/^https?:\/\//, '');
  const h: SyncHarness = {
    env,
    sandbox,
    worker: null,
    tenantId: tenant.id,
    connection,
    onboard(accountIds) {
      for (const accountId of accountIds) {
        const providerArn = sandbox.iam.createOidcProvider(accountId, {
          url: issuer,
          clientIdList: [env.config.OIDC_AUDIENCE],
        });
        sandbox.iam.putRole(accountId, {
          roleName: ROLE,
          assumeRolePolicyDocument: webIdentityTrustPolicy({
            providerArn,
            host,
            audience: env.config.OIDC_AUDIENCE,
            subject: subjectFor(tenant.id, connection.id),
          }),
        });
      }
    },
    async startWorker() {
      h.worker = await startWorker(env.config, { httpPort: 0 });
      return h.worker;
    },
    requestRun() {
      if (!h.worker) throw new Error('no worker');
      return h.worker.app.get(SyncRunsService).requestRun(tenant.id, connection.id, 'manual');
    },
    async waitForRun(runId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await env.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
        if (['succeeded', 'partial', 'failed'].includes(run.status)) return run;
        if (Date.now() > deadline)
          throw new Error(`run ${runId} still ${run.status} (${run.tasksDone}/${run.tasksTotal} tasks)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async sync(timeoutMs) {
      const run = await h.requestRun();
      return h.waitForRun(run.id, timeoutMs);
    },
    async control(method, path, body) {
      const res = await fetch(`${sandbox.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as unknown;
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json as never;
    },
    async truth() {
      return (await h.control<{ resources: TruthResource[] }>('GET', '/_sandbox/truth')).resources;
    },
    async inventory() {
      const rows = await env.prisma.resource.findMany({
        // Organization accounts are resources too (AWS::Organizations::Account), not in the truth.
        where: { tenantId: tenant.id, deletedAt: null, type: { not: 'AWS::Organizations::Account' } },
        select: { accountId: true, region: true, type: true, identifier: true, propertiesHash: true },
      });
      return new Map(rows.map((r) => [keyOf(r), r.propertiesHash]));
    },
    async close() {
      await h.worker?.close();
      await new Promise((r) => issuerServer.close(r));
      issuerServer.closeAllConnections();
      await sandbox.close();
      await env.close();
    },
  };
  if (opts.worker ?? true) await h.startWorker();
  return h;
}

/** The truth as the inventory should hold it: `key` -> properties hash, minus what the filter drops. */
export function expectedInventory(
  truth: TruthResource[],
  keep: (r: TruthResource) => boolean = () => true,
): Map<string, string> {
  return new Map(truth.filter(keep).map((r) => [keyOf(r), propertiesHash(r.properties)]));
}

/** Differences between two inventories, for readable assertion messages. */
export function diffInventories(actual: Map<string, string>, expected: Map<string, string>) {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  const changed = [...expected.keys()].filter((k) => actual.has(k) && actual.get(k) !== expected.get(k));
  return {
    missing: missing.slice(0, 5),
    extra: extra.slice(0, 5),
    changed: changed.slice(0, 5),
    counts: [missing.length, extra.length, changed.length],
  };
}
