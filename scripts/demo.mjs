// `npm start`: the whole product on this machine with demo data. It migrates the database, starts the
// AWS sandbox (demo scenario: an organization of 4 accounts), the api and the worker, creates a demo
// tenant and connection, deploys Tally's CloudFormation stack into the sandbox, verifies the connection,
// starts a first sync, then prints the dashboard URL and an API key. Ctrl-C stops every process.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const env = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/tally',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PORT: '3000',
  WORKER_METRICS_PORT: '9464',
  SANDBOX_PORT: '4566',
  // The demo runs on this machine's Node 20; the SDK's "Node 22 from 2027" notice is known, not news.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...process.env,
};
const apiUrl = `http://127.0.0.1:${env.PORT}`;
const sandboxUrl = `http://127.0.0.1:${env.SANDBOX_PORT}`;
Object.assign(env, {
  OIDC_ISSUER_URL: env.OIDC_ISSUER_URL ?? apiUrl,
  AWS_ENDPOINT_URL_STS: sandboxUrl,
  AWS_ENDPOINT_URL_CLOUDCONTROL: sandboxUrl,
  AWS_ENDPOINT_URL_ORGANIZATIONS: sandboxUrl,
  SANDBOX_SCENARIO: env.SANDBOX_SCENARIO ?? join(root, 'apps/aws-sandbox/scenarios/demo.json'),
  SCHEDULER_INTERVAL_SECONDS: env.SCHEDULER_INTERVAL_SECONDS ?? '10',
});
const adminKey = env.ADMIN_API_KEY ?? `tly_${randomBytes(32).toString('base64url')}`;
env.ADMIN_API_KEY = adminKey;

const colours = { sandbox: 35, api: 36, worker: 33, demo: 32 };
const levels = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const say = (msg) => console.log(`\x1b[${colours.demo}m[demo]\x1b[0m ${msg}`);

function fail(msg) {
  console.error(`\x1b[31m[demo] ${msg}\x1b[0m`);
  shutdown(1);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port: Number(port) });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** One readable line per JSON log line: time, level, message, and the fields that matter. */
function pretty(name, line) {
  let text = line;
  try {
    const o = JSON.parse(line);
    const extra = ['context', 'runId', 'taskId', 'err', 'req']
      .filter((k) => o[k] !== undefined)
      .map((k) =>
        k === 'req'
          ? `${o.req.method} ${o.req.url} ${o.res?.statusCode ?? ''}`
          : k === 'err'
            ? (o.err.message ?? '')
            : `${k}=${typeof o[k] === 'object' ? JSON.stringify(o[k]) : o[k]}`,
      )
      .join(' ');
    text = `${(levels[o.level] ?? 'info').padEnd(5)} ${o.msg ?? ''} ${extra}`.trimEnd();
  } catch {
    /* not JSON: print as is */
  }
  console.log(`\x1b[${colours[name]}m[${name}]\x1b[0m ${text}`);
}

const children = [];
function start(name, script) {
  const child = spawn(process.execPath, [join(root, script)], {
    env: { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (l.trim()) pretty(name, l);
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) fail(`${name} exited (${signal ?? code}); see its log above`);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const c of children) c.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(code);
  }, 10_000);
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(
    () => {
      clearTimeout(deadline);
      process.exit(code);
    },
  );
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function waitFor(what, url, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  fail(`${what} did not become ready at ${url} within ${seconds} s`);
}

async function api(method, path, body) {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
}

async function sandbox(method, path, body) {
  const res = await fetch(`${sandboxUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function checkServices() {
  if (!(await portOpen(5432)) && env.DATABASE_URL.includes('127.0.0.1:5432')) {
    fail(
      'PostgreSQL is not running on 127.0.0.1:5432. Start it (Debian: pg_ctlcluster --skip-systemctl-redirect 15 main start) or set DATABASE_URL.',
    );
  }
  if (!(await portOpen(6379)) && env.REDIS_URL.includes('127.0.0.1:6379')) {
    fail(
      'Redis is not running on 127.0.0.1:6379. Start it (redis-server --daemonize yes --bind 127.0.0.1 --save "") or set REDIS_URL.',
    );
  }
  for (const [name, port] of [
    ['api', env.PORT],
    ['sandbox', env.SANDBOX_PORT],
    ['worker metrics', env.WORKER_METRICS_PORT],
  ]) {
    if (await portOpen(port))
      fail(`port ${port} (${name}) is already in use: stop what runs there, or set the port variable.`);
  }
}

function createDatabaseAndMigrate() {
  const url = new URL(env.DATABASE_URL);
  const dbName = url.pathname.slice(1);
  const admin = new URL(env.DATABASE_URL);
  admin.pathname = '/postgres';
  const exists = spawnSync(
    'psql',
    [admin.toString(), '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${dbName}'`],
    { encoding: 'utf8' },
  );
  if (exists.status === 0 && !exists.stdout.trim()) {
    say(`creating database ${dbName}`);
    spawnSync('psql', [admin.toString(), '-c', `CREATE DATABASE "${dbName}"`], { stdio: 'inherit' });
  }
  const r = spawnSync(process.execPath, [join(root, 'dist/libs/db/src/migrate/migrate.cli.js')], {
    env,
    stdio: 'inherit',
  });
  if (r.status !== 0) fail('migrations failed (see above)');
}

async function demoData() {
  const { scenario } = await sandbox('GET', '/_sandbox/scenario');
  const tenants = await api('GET', '/v1/tenants?limit=100');
  const tenant =
    tenants.items.find((t) => t.name === 'Demo Corp') ??
    (await api('POST', '/v1/tenants', { name: 'Demo Corp' }));
  const conns = await api('GET', `/v1/tenants/${tenant.id}/connections?limit=100`);
  const managementAccountId = scenario.organization.managementAccountId;
  const regions = scenario.regions;
  let connection = conns.items.find((c) => c.name === 'demo-organization');
  if (!connection) {
    connection = await api('POST', `/v1/tenants/${tenant.id}/connections`, {
      name: 'demo-organization',
      accountId: managementAccountId,
      mode: 'organization',
      regions,
      syncIntervalMinutes: 15,
    });
  }
  const template = await api('GET', `/v1/tenants/${tenant.id}/connections/${connection.id}/cloudformation`);
  // The organization's id, as `aws organizations describe-organization` gives it to a customer.
  const { organization } = await sandbox('GET', '/_sandbox/accounts');
  await sandbox('POST', '/_sandbox/stacks', {
    accountId: managementAccountId,
    stackName: 'tally',
    templateBody: template,
    parameters: { OrganizationalUnitIds: 'r-demo', OrganizationId: organization.id },
  });
  say(
    `deployed Tally's CloudFormation stack into sandbox account ${managementAccountId} (StackSet to the member accounts)`,
  );
  const verified = await api('POST', `/v1/tenants/${tenant.id}/connections/${connection.id}/verify`);
  say(`verification: ${verified.status}`);
  const tenantKey = await api('POST', `/v1/tenants/${tenant.id}/api-keys`, {
    name: `demo ${new Date().toISOString()}`,
  });
  if (verified.status === 'active') {
    const run = await api('POST', `/v1/tenants/${tenant.id}/connections/${connection.id}/syncs`);
    say(`first sync ${run.id} started`);
  }
  return { tenant, connection, tenantKey: tenantKey.key };
}

await checkServices();
createDatabaseAndMigrate();
start('sandbox', 'dist/apps/aws-sandbox/src/main.js');
await waitFor('the AWS sandbox', `${sandboxUrl}/_sandbox/health`);
start('api', 'dist/apps/api/src/main.js');
await waitFor('the api', `${apiUrl}/readyz`);
start('worker', 'dist/apps/worker/src/main.js');
await waitFor('the worker', `http://127.0.0.1:${env.WORKER_METRICS_PORT}/healthz`);
try {
  const { tenant, tenantKey } = await demoData();
  console.log(`
\x1b[1mTally is running.\x1b[0m
  Dashboard:     ${apiUrl}/
  API docs:      ${apiUrl}/docs
  Admin API key: ${adminKey}
  Tenant key:    ${tenantKey}   (tenant "${tenant.name}", ${tenant.id})
  Try:           curl -H 'Authorization: Bearer ${adminKey}' ${apiUrl}/v1/tenants/${tenant.id}/summary
Press Ctrl-C to stop.
`);
} catch (err) {
  fail(`setting up the demo data failed: ${err.message}`);
}
