import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics, sampleValue } from './index';

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
});
