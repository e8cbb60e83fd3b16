import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CloudControlClient, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import { classifyAwsError, instrumentAwsClient, Metrics, sampleValue } from './index';

describe('Metrics', () => {
  it('counts runs, tasks, resources, STS and cache lookups with their labels', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.syncRun('partial', 42);
    m.taskFinished('throttled-retry');
    m.taskFinished('succeeded');
    m.taskFinished('succeeded');
    m.resources('AWS::S3::Bucket', { ingested: 5, created: 2, updated: 0 });
    m.stsAssume('ok');
    m.credentialCache(true);
    m.credentialCache(false);
    m.credentialCache(true);
    const { body, contentType } = await m.scrape();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sampleValue(body, 'tally_sync_runs_total', { outcome: 'partial' }), 1);
    assert.equal(sampleValue(body, 'tally_sync_run_duration_seconds_sum', { outcome: 'partial' }), 42);
    assert.equal(sampleValue(body, 'tally_sync_tasks_total', { outcome: 'succeeded' }), 2);
    assert.equal(sampleValue(body, 'tally_sync_tasks_total', { outcome: 'throttled-retry' }), 1);
    assert.equal(
      sampleValue(body, 'tally_sync_resources_total', { type: 'AWS::S3::Bucket', change: 'ingested' }),
      5,
    );
    assert.equal(
      sampleValue(body, 'tally_sync_resources_total', { type: 'AWS::S3::Bucket', change: 'created' }),
      2,
    );
    assert.ok(!body.includes('change="updated"'), 'zero counts add no series');
    assert.equal(sampleValue(body, 'tally_sts_assume_role_total', { outcome: 'ok' }), 1);
    assert.equal(sampleValue(body, 'tally_credential_cache_lookups_total', { result: 'hit' }), 2);
    assert.equal(sampleValue(body, 'tally_credential_cache_lookups_total', { result: 'miss' }), 1);
  });

  it('reads queue depth and scheduler lag at scrape time, and survives a failing reader', async () => {
    const m = new Metrics({ defaultMetrics: false });
    let calls = 0;
    const sources = {
      queues: async () => ({ sync: { waiting: 3 + Math.min(calls++, 1), active: 1, failed: 0 } }),
      schedulerLag: async () => {
        throw new Error('database down');
      },
    };
    m.setSources(sources);
    assert.equal(
      sampleValue((await m.scrape()).body, 'tally_queue_jobs', { queue: 'sync', state: 'waiting' }),
      3,
    );
    const body = (await m.scrape()).body;
    assert.equal(sampleValue(body, 'tally_queue_jobs', { queue: 'sync', state: 'waiting' }), 4);
    // Metrics are collected in parallel: a failed read shows in this scrape or the next one.
    const errors = sampleValue(body, 'tally_scrape_errors_total', { source: 'scheduler' });
    assert.ok(errors === 1 || errors === 2, `errors after two scrapes: ${errors}`);
    assert.ok(
      sampleValue((await m.scrape()).body, 'tally_scrape_errors_total', { source: 'scheduler' }) >= 2,
    );
    m.removeSources(sources);
    assert.ok(
      !(await m.scrape()).body.includes('tally_queue_jobs{'),
      'no stale queue series after the reader is gone',
    );
  });

  it('classifies SDK errors', () => {
    assert.equal(classifyAwsError({ name: 'ThrottlingException', $fault: 'client' }), 'throttled');
    assert.equal(classifyAwsError({ name: 'X', $metadata: { httpStatusCode: 429 } }), 'throttled');
    assert.equal(classifyAwsError({ name: 'AccessDeniedException', $fault: 'client' }), 'denied');
    assert.equal(classifyAwsError({ name: 'InternalFailure', $fault: 'server' }), 'server_error');
    assert.equal(classifyAwsError({ name: 'ValidationException', $fault: 'client' }), 'client_error');
    assert.equal(
      classifyAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
      'network_error',
    );
  });
});

describe('instrumentAwsClient', () => {
  let server: Server;
  let endpoint: string;
  let throttleFirst = 0;

  before(async () => {
    // A JSON 1.0 stand-in for Cloud Control: throttles the first N requests, then answers.
    server = createServer((req, res) => {
      req.resume().on('end', () => {
        if (throttleFirst > 0) {
          throttleFirst--;
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ TypeName: 'AWS::S3::Bucket', ResourceDescriptions: [] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('counts calls by service, operation and outcome, each throttled attempt, and latency', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const client = instrumentAwsClient(
      new CloudControlClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
        maxAttempts: 2,
        retryStrategy: undefined,
      }),
      m,
    );
    instrumentAwsClient(client, m); // idempotent: still one count per call
    throttleFirst = 1; // first attempt throttled, retry succeeds
    await client.send(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' }));
    throttleFirst = 5; // both attempts throttled: the call fails
    await assert.rejects(client.send(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' })), {
      name: 'ThrottlingException',
    });
    client.destroy();
    const body = (await m.scrape()).body;
    const call = { service: 'cloudcontrol', operation: 'ListResources' };
    assert.equal(sampleValue(body, 'tally_aws_calls_total', { ...call, outcome: 'ok' }), 1);
    assert.equal(sampleValue(body, 'tally_aws_calls_total', { ...call, outcome: 'throttled' }), 1);
    assert.equal(sampleValue(body, 'tally_aws_throttles_total', { service: 'cloudcontrol' }), 3);
    assert.equal(sampleValue(body, 'tally_aws_call_duration_seconds_count', call), 2);
    assert.ok(sampleValue(body, 'tally_aws_call_duration_seconds_sum', call) > 0);
  });
});
