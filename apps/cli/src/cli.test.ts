import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { createRedis, queuePrefix, QUEUES } from '@tally/jobs';
import { ensureSigningKeys } from '@tally/oidc';
import { hashApiKey } from '@tally/tenancy';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';

const MAIN = join(__dirname, 'main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('cli (as a child process)', () => {
  let env: TestEnvironment;
  let childEnv: NodeJS.ProcessEnv;

  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, ...args], {
        env: { ...childEnv, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', reject);
      const started = Date.now();
      child.on('close', (code) => {
        if (process.env.CLI_TEST_TIMING)
          process.stderr.write(`cli ${args.join(' ')}: ${Date.now() - started} ms\n`);
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  before(async () => {
    env = await createTestEnvironment();
    childEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: env.config.DATABASE_URL,
      REDIS_URL: env.config.REDIS_URL,
      REDIS_PREFIX: env.config.REDIS_PREFIX,
      // Nothing listens here: verification must fail cleanly, not hang.
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    };
  });

  after(async () => {
    const redis = createRedis(env.config);
    const queue = new Queue(QUEUES.sync, { connection: redis, prefix: queuePrefix(env.config) });
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect(); // a shared connection is not closed by queue.close()
    await env.close();
  });

  it('answers --help and rejects bad usage with exit 2 and a message naming the problem', async () => {
    const [help, none, unknown, group, noTenant, noName, badUuid, badOption, syncHelp, both] =
      await Promise.all([
        cli(['--help']),
        cli([]),
        cli(['frobnicate']),
        cli(['api-keys']),
        cli(['api-keys', 'create', '--name', 'ci']),
        cli(['tenants', 'create']),
        cli(['sync', 'not-a-uuid']),
        cli(['connections', 'list', '--bogus']),
        cli(['sync', '--help']),
        cli([
          'api-keys',
          'create',
          '--admin',
          '--tenant',
          '00000000-0000-4000-8000-000000000000',
          '--name',
          'x',
        ]),
      ]);
    assert.equal(help.code, 0);
    for (const c of [
      'tenants create',
      'api-keys create',
      'api-keys revoke',
      'connections list',
      'connections verify',
      'sync',
      'rotate-signing-key',
      'queues',
    ]) {
      assert.ok(help.stdout.includes(`  ${c}`), `help lists ${c}`);
    }
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: npm run cli -- <command>/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.equal(group.code, 2);
    assert.match(group.stderr, /did you mean "api-keys create" or "api-keys revoke"/);
    assert.equal(noTenant.code, 2);
    assert.match(noTenant.stderr, /--tenant \(or --admin\) is required/);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /--name is required/);
    assert.equal(badUuid.code, 2);
    assert.match(badUuid.stderr, /<connectionId> must be a UUID, got "not-a-uuid"/);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /Unknown option '--bogus'/);
    assert.equal(syncHelp.code, 0);
    assert.match(syncHelp.stdout, /0 succeeded, 1 failed, 3 partial/);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --tenant <id> or --admin, not both/);
  });

  it('creates a tenant, creates keys printed once (stored hashed), and revokes them', async () => {
    const created = await cli(['tenants', 'create', '--name', 'Acme Ops', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const tenant = JSON.parse(created.stdout) as { id: string; name: string };
    assert.equal((await env.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name, 'Acme Ops');

    const [tenantKey, adminKey] = await Promise.all([
      cli(['api-keys', 'create', '--tenant', tenant.id, '--name', 'ci']),
      cli(['api-keys', 'create', '--admin', '--name', 'ops', '--json']),
    ]);
    assert.equal(tenantKey.code, 0, tenantKey.stderr);
    const key = /^key: (tly_\S+)$/m.exec(tenantKey.stdout)?.[1];
    assert.ok(key, tenantKey.stdout);
    assert.match(tenantKey.stderr, /only time the key is shown/);
    const stored = await env.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(key) } });
    assert.equal(stored.tenantId, tenant.id);
    assert.equal(stored.role, 'tenant');
    const admin = JSON.parse(adminKey.stdout) as { id: string; role: string; key: string };
    assert.equal(admin.role, 'admin');
    assert.equal(
      (await env.prisma.apiKey.findUniqueOrThrow({ where: { id: admin.id } })).hash,
      hashApiKey(admin.key),
    );

    const [revoked, revokedAdmin, missing, missingTenant] = await Promise.all([
      cli(['api-keys', 'revoke', stored.id]),
      cli(['api-keys', 'revoke', admin.id]),
      cli(['api-keys', 'revoke', '00000000-0000-4000-8000-000000000000']),
      cli(['api-keys', 'create', '--tenant', '00000000-0000-4000-8000-000000000000', '--name', 'x']),
    ]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.ok((await env.prisma.apiKey.findUniqueOrThrow({ where: { id: stored.id } })).revokedAt);
    assert.equal(revokedAdmin.code, 0, revokedAdmin.stderr);
    assert.ok((await env.prisma.apiKey.findUniqueOrThrow({ where: { id: admin.id } })).revokedAt);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /API key 00000000-0000-4000-8000-000000000000 not found/);
    assert.equal(missingTenant.code, 1);
    assert.match(missingTenant.stderr, /Tenant 00000000-0000-4000-8000-000000000000 not found/);
    const audit = await env.prisma.auditEvent.findMany({
      where: { action: { in: ['api_key.create', 'api_key.revoke', 'tenant.create'] } },
    });
    assert.equal(audit.length, 5);
    assert.ok(!JSON.stringify(audit).includes(key), 'the key never reaches the audit trail');
  });

  it('lists connections, verifies one (recording the failure), and refuses to sync an unverified one', async () => {
    const t1 = await createTenant(env.prisma, { name: 'List One' });
    const t2 = await createTenant(env.prisma, { name: 'List Two' });
    const a = await createConnection(env.prisma, t1.id, { name: 'prod', status: 'active' });
    const b = await createConnection(env.prisma, t2.id, { name: 'staging' });
    const [all, one, verify, refused] = await Promise.all([
      cli(['connections', 'list']),
      cli(['connections', 'list', '--tenant', t2.id, '--json']),
      cli(['connections', 'verify', b.id]),
      cli(['sync', b.id]),
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^ID\s+TENANT\s+NAME\s+ACCOUNT\s+MODE\s+STATUS/);
    assert.match(
      all.stdout,
      new RegExp(`${a.id}\\s+${t1.id}\\s+prod\\s+${a.accountId}\\s+account\\s+active`),
    );
    assert.match(
      all.stdout,
      new RegExp(`${b.id}\\s+${t2.id}\\s+staging\\s+${b.accountId}\\s+account\\s+pending`),
    );
    assert.equal(one.code, 0, one.stderr);
    const lines = one.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status: string });
    assert.deepEqual(
      lines.map((l) => [l.id, l.status]),
      [[b.id, 'pending']],
    );

    assert.equal(verify.code, 1, verify.stderr);
    assert.match(verify.stdout, new RegExp(`connection ${b.id}: error`));
    assert.match(verify.stdout, /FAIL assume_role/);
    const after = await env.prisma.connection.findUniqueOrThrow({ where: { id: b.id } });
    assert.equal(after.status, 'error');
    assert.ok(after.verifiedAt && after.statusMessage);

    assert.equal(refused.code, 1);
    // The same refusal the API answers as a 409: what is wrong, then what to do.
    assert.match(refused.stderr, /error: The connection cannot sync \(status (error|pending)\)\./);
    assert.match(
      refused.stderr,
      /fix: The connection's last verification failed|fix: The connection is not verified yet/,
    );
  });

  it('lists destinations, sends a test message (exit 1 when refused) and replays from a time or a cursor', async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    try {
      const tenant = await createTenant(env.prisma, { name: 'Destinations' });
      const destination = (name: string, url: string) =>
        env.prisma.destination.create({
          data: {
            tenantId: tenant.id,
            name,
            kind: 'crud_service',
            config: { url, primaryKey: 'resourceId' },
            filter: {},
            cursor: 7n,
          },
        });
      const up = await destination('crud', `http://127.0.0.1:${port}/inventory`);
      const down = await destination('down', 'http://127.0.0.1:9/inventory');
      const allowPrivate = { DESTINATIONS_ALLOW_PRIVATE_NETWORKS: 'true' };
      const [list, json, ok, refused] = await Promise.all([
        cli(['destinations', 'list']),
        cli(['destinations', 'list', '--tenant', tenant.id, '--json']),
        cli(['destinations', 'test', up.id], allowPrivate),
        cli(['destinations', 'test', down.id], allowPrivate),
      ]);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^ID\s+TENANT\s+NAME\s+KIND\s+STATUS\s+LAG/);
      assert.match(list.stdout, new RegExp(`${up.id}\\s+${tenant.id}\\s+crud\\s+crud-service\\s+active`));
      assert.equal(json.code, 0, json.stderr);
      const lines = json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; kind: string; secret?: string });
      assert.deepEqual(
        lines.map((l) => [l.id, l.kind]).sort(),
        [
          [up.id, 'crud-service'],
          [down.id, 'crud-service'],
        ].sort(),
      );

      assert.equal(ok.code, 0, ok.stderr + ok.stdout);
      assert.match(ok.stdout, /accepted the test message/);
      assert.ok(received.length > 0 && received.every((r) => / \/inventory\//.test(r)), received.join());
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stdout, /did not accept the test message: .+/);

      const since = await cli(['destinations', 'replay', up.id, '--since', '2026-01-01T00:00:00Z']);
      assert.equal(since.code, 0, since.stderr);
      assert.match(since.stdout, new RegExp(`destination ${up.id} replays from c1_`));
      const paused = await env.prisma.destination.update({
        where: { id: down.id },
        data: { status: 'paused' },
      });
      const after = await cli(['destinations', 'replay', paused.id, '--after', 'c1_Mg']);
      assert.equal(after.code, 0, after.stderr);
      const replayed = await env.prisma.destination.findUniqueOrThrow({ where: { id: down.id } });
      assert.equal(replayed.cursor, 2n);
      assert.equal(replayed.status, 'active');
      const audited = await env.prisma.auditEvent.count({
        where: { action: 'destination.replay', tenantId: tenant.id },
      });
      assert.equal(audited, 2);

      const [neither, both, badTime, badCursor] = await Promise.all([
        cli(['destinations', 'replay', up.id]),
        cli(['destinations', 'replay', up.id, '--after', 'c1_Mg', '--since', '2026-01-01T00:00:00Z']),
        cli(['destinations', 'replay', up.id, '--since', 'yesterday']),
        cli(['destinations', 'replay', up.id, '--after', 'nope']),
      ]);
      for (const r of [neither, both]) {
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /give either --after <cursor> or --since <time>/);
      }
      assert.equal(badTime.code, 2);
      assert.match(badTime.stderr, /--since must be an ISO 8601 date-time/);
      assert.equal(badCursor.code, 1, badCursor.stderr);
      assert.match(badCursor.stderr, /after.*is not a change cursor/);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('follows a run with plain progress lines when stdout is not a TTY and exits 3 on partial', async () => {
    const tenant = await createTenant(env.prisma);
    const conn = await createConnection(env.prisma, tenant.id, { status: 'active' });
    const idle = await createConnection(env.prisma, tenant.id, { status: 'active' });
    const following = cli(['sync', conn.id, '--follow']);
    const timingOut = cli(['sync', idle.id, '--follow', '--timeout', '1']);

    // Play the worker's part in the database while the CLI follows.
    let run = null;
    for (let i = 0; i < 600 && !run; i++) {
      run = await env.prisma.syncRun.findFirst({ where: { connectionId: conn.id } });
      if (!run) await sleep(100);
    }
    assert.ok(run, 'the CLI created a run');
    const task = (resourceType: string) => ({
      tenantId: tenant.id,
      runId: run.id,
      accountId: conn.accountId,
      region: 'us-east-1',
      resourceType,
    });
    await env.prisma.syncRun.update({
      where: { id: run.id },
      data: { status: 'running', startedAt: new Date(), tasksTotal: 2 },
    });
    const [bucket, fn] = await Promise.all([
      env.prisma.syncTask.create({ data: task('AWS::S3::Bucket') }),
      env.prisma.syncTask.create({ data: task('AWS::Lambda::Function') }),
    ]);
    await sleep(700);
    await env.prisma.syncTask.update({
      where: { id: bucket.id },
      data: { status: 'succeeded', resourcesSeen: 7, created: 7 },
    });
    await env.prisma.syncRun.update({ where: { id: run.id }, data: { tasksDone: 1 } });
    await sleep(700);
    await env.prisma.syncTask.update({
      where: { id: fn.id },
      data: {
        status: 'denied',
        errorKind: 'customer',
        errorCode: 'AccessDeniedException',
        errorMessage: 'The role may not call lambda:ListFunctions',
      },
    });
    await env.prisma.syncRun.update({
      where: { id: run.id },
      data: {
        status: 'partial',
        tasksDone: 2,
        tasksFailed: 1,
        resourcesSeen: 7,
        created: 7,
        finishedAt: new Date(),
      },
    });

    const r = await following;
    assert.equal(r.code, 3, r.stderr);
    const out = r.stdout.split('\n');
    assert.match(out[0], new RegExp(`^run ${run.id} queued \\(connection ${conn.id}`));
    assert.ok(out.includes('progress status=running tasks=0/2 resources=0 errors=0'), r.stdout);
    assert.ok(out.includes('progress status=running tasks=1/2 resources=7 errors=0'), r.stdout);
    assert.ok(
      out.includes(
        `error ${conn.accountId} us-east-1 AWS::Lambda::Function: AccessDeniedException: The role may not call lambda:ListFunctions`,
      ),
      r.stdout,
    );
    assert.match(
      r.stdout,
      new RegExp(`run ${run.id} partial: 2/2 tasks \\(1 failed\\), 7 resources \\(\\+7 ~0 -0\\)`),
    );
    assert.ok(
      !r.stdout.includes('\r') && !r.stdout.includes('\x1b['),
      'no terminal control codes when not a TTY',
    );
    assert.equal(
      new Set(out.filter((l) => l.startsWith('progress'))).size,
      out.filter((l) => l.startsWith('progress')).length,
      'a line only when something changed',
    );

    const t = await timingOut;
    assert.equal(t.code, 4, t.stderr);
    assert.match(t.stdout, /gave up following after 1 s; run \S+ is still queued/);
    // The run request reached the queue, keyed by the run id.
    const redis = createRedis(env.config);
    const queue = new Queue(QUEUES.sync, { connection: redis, prefix: queuePrefix(env.config) });
    const job = await queue.getJob(`run-${run.id}`);
    await queue.close();
    redis.disconnect();
    assert.deepEqual(job?.data, { tenantId: tenant.id, runId: run.id });
  });

  it('rotates the signing key and shows queue health', async () => {
    await ensureSigningKeys(env.prisma, env.config);
    const before = await env.prisma.signingKey.findFirstOrThrow({ where: { status: 'active' } });
    const [rotated, queues, queuesJson] = await Promise.all([
      cli(['rotate-signing-key']),
      cli(['queues']),
      cli(['queues', '--json']),
    ]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const active = await env.prisma.signingKey.findFirstOrThrow({ where: { status: 'active' } });
    assert.notEqual(active.kid, before.kid);
    assert.match(
      rotated.stdout,
      new RegExp(`active key is now ${active.kid} \\(was ${before.kid}, now retired\\)`),
    );
    assert.equal(
      (await env.prisma.signingKey.findUniqueOrThrow({ where: { kid: before.kid } })).status,
      'retired',
    );

    assert.equal(queues.code, 0, queues.stderr);
    assert.match(queues.stdout, /^QUEUE\s+WORKERS\s+WAITING\s+DELAYED\s+ACTIVE\s+FAILED/);
    assert.match(queues.stdout, /^sync\s+0\s+\d+/m);
    assert.match(queues.stdout, /scheduler: \d+ connection\(s\) due/);
    assert.match(queues.stderr, /no worker is connected to sync/);
    const health = JSON.parse(queuesJson.stdout) as {
      queues: { name: string; workers: number; waiting: number }[];
      scheduler: { due: number };
    };
    assert.equal(health.queues[0].name, 'sync');
    assert.equal(health.queues[0].workers, 0);
    assert.ok(health.queues[0].waiting >= 2, 'the two runs requested above are waiting');
  });
});
