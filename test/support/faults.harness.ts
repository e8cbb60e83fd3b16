// Test harness (not a test): faults injected into this test's own database and Redis prefix only
// (other test runs share the server and Redis), and polling helpers for convergence.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import pg from 'pg';
import type { AppConfig } from '@tally/config';
import { TEST_PG_SERVER } from '@tally/testing';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Cuts every connection to database `name` (a failover, as the processes see it); returns how many. */
export function cutPostgresConnections(name: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return (r.rows[0] as { n: number }).n;
  });
}

/** Makes database `name` refuse connections (and cuts the open ones) until `restore` is called. */
export async function blockPostgres(name: string): Promise<{ cut: number; restore(): Promise<void> }> {
  await admin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`));
  const cut = await cutPostgresConnections(name);
  return {
    cut,
    restore: () =>
      admin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`)).then(() => undefined),
  };
}

/** Polls `read` until `done` holds; the error names what was awaited and the last value. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read().catch((err: Error) => err as unknown as T);
    if (!(v instanceof Error) && done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${v instanceof Error ? v.message : JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The built worker (main.js) as its own process, configured by the environment only; `ready` once /healthz answers. */
export function spawnWorkerProcess(
  config: AppConfig,
  env: Record<string, string> = {},
): { child: ChildProcess; port: number; ready: Promise<void>; kill(): Promise<void> } {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'silent',
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      OIDC_ISSUER_URL: config.OIDC_ISSUER_URL,
      AWS_ENDPOINT_URL_STS: config.AWS_ENDPOINT_URL_STS ?? '',
      AWS_ENDPOINT_URL_CLOUDCONTROL: config.AWS_ENDPOINT_URL_CLOUDCONTROL ?? '',
      AWS_ENDPOINT_URL_ORGANIZATIONS: config.AWS_ENDPOINT_URL_ORGANIZATIONS ?? '',
      WORKER_METRICS_PORT: String(port),
      ...env,
    },
    stdio: process.env.CHILD_LOG_LEVEL ? 'inherit' : 'ignore',
  });
  const ready = until(
    'the worker process answers /healthz',
    () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok),
    (ok) => ok,
    60_000, // a loaded machine starts a Node process slowly
  ).then(() => undefined);
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  return { child, port, ready, kill };
}
