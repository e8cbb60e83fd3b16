// Double execution (issue #17): under CPU starvation a task's job lock can lapse while its first
// execution still runs (the lock is renewed by a timer on the blocked event loop), and BullMQ hands
// the job out again. The attempt fence makes that harmless: the newer execution's start supersedes
// the older one, whose next write is refused whole, so the run's history holds each change once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getResourceType, normalizeResource, type NormalizedResource } from '@tally/aws';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { AttemptSupersededError, ResourceIngestRepository } from '../ingest/resource-ingest.repository';
import { SyncTaskRepository } from './sync-task.repository';

const ACCOUNT = '111111111111';
const EC2 = getResourceType('AWS::EC2::Instance');
const page = (from: number, n: number): NormalizedResource[] =>
  Array.from({ length: n }, (_, i) =>
    normalizeResource(EC2, {
      identifier: `i-${String(from + i).padStart(8, '0')}`,
      accountId: ACCOUNT,
      region: 'us-east-1',
      properties: { InstanceId: `i-${from + i}`, InstanceType: 't3.micro' },
    }),
  );

describe('task attempts fence a second execution of the same task', () => {
  let env: TestEnvironment;
  let ingest: ResourceIngestRepository;
  let tasks: SyncTaskRepository;
  let tenantId: string;
  let connectionId: string;

  before(async () => {
    env = await createTestEnvironment();
    ingest = new ResourceIngestRepository(env.prisma);
    tasks = new SyncTaskRepository(env.prisma);
    tenantId = (await createTenant(env.prisma)).id;
    connectionId = (await createConnection(env.prisma, tenantId, { accountId: ACCOUNT })).id;
  });
  after(() => env.close());

  async function newTask() {
    const run = await env.prisma.syncRun.create({
      data: {
        tenantId,
        connectionId,
        trigger: 'manual',
        status: 'running',
        startedAt: new Date(),
        tasksTotal: 1,
      },
    });
    const task = await env.prisma.syncTask.create({
      data: { tenantId, runId: run.id, accountId: ACCOUNT, region: 'us-east-1', resourceType: EC2.type },
    });
    const scope = (attempt: number) => ({
      tenantId,
      connectionId,
      accountId: ACCOUNT,
      type: EC2.type,
      runId: run.id,
      taskId: task.id,
      attempt,
    });
    return { run, task, scope };
  }

  it('the superseded execution writes nothing; the newer one ends the task once', async () => {
    const { run, task, scope } = await newTask();
    const first = await tasks.start(tenantId, task.id);
    await ingest.upsertPage(scope(first!.attempt), page(0, 5));
    const second = await tasks.start(tenantId, task.id); // the same job, handed out again
    assert.equal(second!.attempt, first!.attempt + 1);
    await assert.rejects(ingest.upsertPage(scope(first!.attempt), page(5, 5)), AttemptSupersededError);
    assert.equal(
      await env.prisma.resource.count({ where: { lastRunId: run.id } }),
      5,
      'the refused page wrote nothing',
    );
    await ingest.upsertPage(scope(second!.attempt), page(0, 10));
    const key = { tenantId, taskId: task.id };
    assert.equal(await tasks.end(env.prisma, { ...key, attempt: first!.attempt }, 'succeeded'), null);
    const progress = await tasks.end(env.prisma, { ...key, attempt: second!.attempt }, 'succeeded');
    assert.deepEqual(progress, { runId: run.id, tasksDone: 1, tasksTotal: 1 });
    await tasks.attemptFailed(tenantId, task.id, first!.attempt, {
      kind: 'internal',
      code: null,
      message: 'late',
    });
    const ended = await env.prisma.syncTask.findUniqueOrThrow({ where: { id: task.id } });
    assert.equal(ended.status, 'succeeded', "a stale attempt's failure note changes nothing");
    assert.equal(ended.resourcesSeen, 10);
    const changes = await env.prisma.resourceChange.groupBy({
      by: ['resourceId'],
      where: { runId: run.id },
      _count: true,
    });
    assert.equal(changes.length, 10);
    assert.ok(
      changes.every((c) => c._count === 1),
      'one created change per resource',
    );
  });

  it('two executions racing page by page: every change recorded once, counters from one attempt', async () => {
    const { run, task, scope } = await newTask();
    const a = (await tasks.start(tenantId, task.id))!;
    const b = (await tasks.start(tenantId, task.id))!;
    const outcomes = await Promise.all(
      [a, b].map(async (att) => {
        try {
          for (let p = 0; p < 8; p++) await ingest.upsertPage(scope(att.attempt), page(100 + p * 4, 4));
          return 'wrote';
        } catch (err) {
          if (err instanceof AttemptSupersededError) return 'superseded';
          throw err;
        }
      }),
    );
    assert.deepEqual(outcomes, ['superseded', 'wrote']);
    const t = await env.prisma.syncTask.findUniqueOrThrow({ where: { id: task.id } });
    assert.equal(t.resourcesSeen, 32);
    assert.equal(t.pages, 8);
    const created = await env.prisma.resourceChange.count({ where: { runId: run.id, kind: 'created' } });
    assert.equal(created, 32);
  });
});
