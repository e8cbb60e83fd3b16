// Both /metrics endpoints after a sandbox sync: the api (a child process, the real serve path)
// counts the HTTP request that triggered the run; the worker counts the sync, its AWS calls,
// STS assumptions and credential-cache lookups, each by exactly the amounts the sync did.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleValue } from '@tally/metrics';
import { hashApiKey } from '@tally/tenancy';
import { startSyncHarness, type SyncHarness } from '../support/sync.harness';

const ACCOUNT = '666666666666';
const API_FIXTURE = join(__dirname, '..', '..', 'apps', 'api', 'src', 'serve.test-fixture.js'); // a process, not an import
const ADMIN_KEY = `tly_${'m'.repeat(43)}`;

describe('metrics after a sandbox sync', () => {
  let h: SyncHarness;
  let api: ChildProcess;
  let apiUrl: string;

  before(async () => {
    h = await startSyncHarness({
      scenario: {
        seed: 'ops-metrics',
        accounts: [{ id: ACCOUNT }],
        regions: ['us-east-1'],
        resources: { perAccountRegion: { 'AWS::S3::Bucket': 3, 'AWS::Lambda::Function': 5 } },
        paging: { maxPageSize: 2 },
      },
      mode: 'account',
      accountId: ACCOUNT,
      regions: ['us-east-1'],
      resourceTypes: ['AWS::S3::Bucket', 'AWS::Lambda::Function'],
    });
    h.onboard([ACCOUNT]);
    const c = h.env.config;
    api = spawn(process.execPath, [API_FIXTURE], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: c.DATABASE_URL,
        REDIS_URL: c.REDIS_URL,
        REDIS_PREFIX: c.REDIS_PREFIX,
        ADMIN_API_KEY: ADMIN_KEY,
        SHUTDOWN_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    apiUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      api.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"component":"http","port":(\d+)/.exec(out);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      api.on('exit', (code) => reject(new Error(`api exited ${code}`)));
    });
    api.stdout!.resume();
  });
  after(async () => {
    api?.kill('SIGKILL');
    await h?.close();
  });

  it('counts the triggering request on the api and the sync, AWS calls, STS and cache on the worker', async () => {
    const workerUrl = `http://127.0.0.1:${(h.worker!.http.address() as AddressInfo).port}`;
    const scrape = async (base: string) => (await fetch(`${base}/metrics`)).text();
    const before = await scrape(workerUrl);
    const apiBefore = await scrape(apiUrl);
    const route = {
      method: 'POST',
      route: '/v1/tenants/:tenantId/connections/:connectionId/syncs',
      status: '202',
    };

    assert.ok(
      await h.env.prisma.apiKey.findUnique({ where: { hash: hashApiKey(ADMIN_KEY) } }),
      'the api stored its admin key',
    );
    const res = await fetch(`${apiUrl}/v1/tenants/${h.tenantId}/connections/${h.connection.id}/syncs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    assert.equal(res.status, 202, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    const run = await h.waitForRun(id, 25_000);
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');

    const after = await scrape(workerUrl);
    const apiAfter = await scrape(apiUrl);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);

    // The api: exactly one such request, labelled by its route template (no ids in labels).
    assert.equal(
      sampleValue(apiAfter, 'tally_http_request_duration_seconds_count', route) -
        sampleValue(apiBefore, 'tally_http_request_duration_seconds_count', route),
      1,
    );
    assert.ok(!apiAfter.includes(h.tenantId) && !after.includes(h.tenantId), 'no tenant id in any label');

    // The worker: one run, its tasks, its resources by type.
    const tasks = await h.env.prisma.syncTask.findMany({ where: { runId: id } });
    assert.equal(delta('tally_sync_runs_total', { outcome: 'succeeded' }), 1);
    assert.equal(delta('tally_sync_run_duration_seconds_count', { outcome: 'succeeded' }), 1);
    assert.equal(delta('tally_sync_tasks_total', { outcome: 'succeeded' }), tasks.length);
    assert.equal(delta('tally_sync_resources_total', { type: 'AWS::S3::Bucket', change: 'ingested' }), 3);
    assert.equal(
      delta('tally_sync_resources_total', { type: 'AWS::Lambda::Function', change: 'ingested' }),
      5,
    );
    assert.equal(
      delta('tally_sync_resources_total', { type: 'AWS::Lambda::Function', change: 'created' }),
      5,
    );

    // AWS calls: what the run recorded equals what the middleware counted (Cloud Control + STS).
    const cloudControl = delta('tally_aws_calls_total', { service: 'cloudcontrol', outcome: 'ok' });
    const listCalls = delta('tally_aws_calls_total', {
      service: 'cloudcontrol',
      operation: 'ListResources',
      outcome: 'ok',
    });
    assert.ok(listCalls >= 3 + 1, `paged listings (page size 2): ${listCalls}`);
    assert.equal(
      cloudControl,
      tasks.reduce((n, t) => n + t.apiCalls, 0),
    );
    assert.equal(
      delta('tally_aws_call_duration_seconds_count', { service: 'cloudcontrol', operation: 'ListResources' }),
      listCalls,
    );
    assert.equal(
      delta('tally_sts_assume_role_total', { outcome: 'ok' }),
      1,
      'one assumption, then the cache',
    );
    assert.equal(
      delta('tally_aws_calls_total', {
        service: 'sts',
        operation: 'AssumeRoleWithWebIdentity',
        outcome: 'ok',
      }),
      1,
    );
    // The SDK memoizes a client's credentials, so lookups happen per client, not per call.
    const misses = delta('tally_credential_cache_lookups_total', { result: 'miss' });
    const lookups = misses + delta('tally_credential_cache_lookups_total', { result: 'hit' });
    assert.ok(misses >= 1 && lookups <= cloudControl + 1, `misses ${misses}, lookups ${lookups}`);
    assert.equal(
      delta('tally_aws_throttles_total', { service: 'cloudcontrol' }),
      0,
      'no throttling in this scenario',
    );
  });
});
