import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TallyError } from '@tally/common';
import { JobQueueService, QUEUES } from '@tally/jobs';
import { Metrics } from '@tally/metrics';
import {
  createConnection,
  createResource,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { DeliveryEngine } from '../engine/delivery-engine.service';
import { defaultAdapters } from '../engine/adapter-registry';
import { DeliveryStateRepository } from '../engine/delivery-state.repository';
import { ChangeFeedService } from '../feed/change-feed.service';
import { ChangeNotifier } from '../feed/change-notifier';
import { ChangeSequencer } from '../feed/change-sequencer';
import { DestinationsService } from './destinations.service';

describe('DestinationsService', () => {
  let env: TestEnvironment;
  let jobs: JobQueueService;
  let notifier: ChangeNotifier;
  let service: DestinationsService;
  let tenantId: string;

  before(async () => {
    env = await createTestEnvironment(); // private networks NOT allowed: the production default
    jobs = new JobQueueService(env.config);
    notifier = new ChangeNotifier(env.config);
    const feed = new ChangeFeedService(env.prisma, env.config, new ChangeSequencer(env.prisma), notifier);
    const engine = new DeliveryEngine(
      env.prisma,
      env.config,
      feed,
      new DeliveryStateRepository(env.prisma),
      defaultAdapters(),
      new Metrics({ defaultMetrics: false }),
    );
    service = new DestinationsService(env.prisma, env.config, feed, engine, jobs);
    tenantId = (await createTenant(env.prisma)).id;
  });
  after(async () => {
    await jobs.queue(QUEUES.delivery).obliterate({ force: true });
    await jobs.close();
    await notifier.onModuleDestroy();
    await env.close();
  });

  async function refusal(p: Promise<unknown>): Promise<TallyError> {
    const err = await p.then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TallyError, String(err));
    return err;
  }

  it('refuses bad input field by field', async () => {
    const cases: Array<[object, string, RegExp]> = [
      [{ name: '', kind: 'webhook', config: { url: 'https://x.example' } }, 'name', /1-200/],
      [{ name: 'a', kind: 'carrier-pigeon', config: {} }, 'kind', /one of/],
      [{ name: 'a', kind: 'port', config: {} }, 'config.clientId', /expected string/],
      [
        { name: 'a', kind: 'port', config: { clientId: 'c', clientSecret: 's', baseUrl: 'http://10.1.2.3' } },
        'config.baseUrl',
        /private/,
      ],
      [
        {
          name: 'a',
          kind: 'webhook',
          config: { url: 'https://x.example' },
          mapping:
            "resources:\n  - kind: AWS::EC2::Instance\n    selector: { query: 'true' }\n    port: { entity: { mappings: { identifier: '.Identifier | nope', blueprint: '\"b\"' } } }\n",
        },
        'mapping.resources[0].port.entity.mappings.identifier',
        /AWS::EC2::Instance: .*nope\/0 is not defined/,
      ],
      [{ name: 'a', kind: 'webhook', config: {} }, 'config.url', /.+/],
      [{ name: 'a', kind: 'webhook', config: { url: 'https://x.example', extra: 1 } }, 'config', /extra/],
      [
        { name: 'a', kind: 'webhook', config: { url: 'https://169.254.169.254/latest' } },
        'config.url',
        /link-local/,
      ],
      [{ name: 'a', kind: 'webhook', config: { url: 'http://127.0.0.1:9/x' } }, 'config.url', /loopback/],
      [
        { name: 'a', kind: 'webhook', config: { url: 'https://x.example' }, filter: { types: ['s3'] } },
        'filter.types.0',
        /AWS::S3::Bucket/,
      ],
      [
        {
          name: 'a',
          kind: 'sqs',
          config: { queueUrl: 'http://10.0.0.1/123456789012/q', roleArn: 'arn:aws:iam::123456789012:role/x' },
        },
        'config.queueUrl',
        /SQS queue URL/,
      ],
    ];
    for (const [input, field, message] of cases) {
      const err = await refusal(service.createDestination(tenantId, input as never));
      assert.equal(err.code, 'validation_failed', JSON.stringify(input));
      const f = err.details.fields?.find((x) => x.field === field);
      assert.ok(f, `${JSON.stringify(input)} → ${JSON.stringify(err.details.fields)}`);
      assert.match(f.message, message);
    }
  });

  it('answers the secret once, never again, and keeps destinations within their tenant', async () => {
    const { destination, secret } = await service.createDestination(tenantId, {
      name: 'hooks',
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/tally' },
      filter: { types: ['AWS::S3::Bucket'] },
    });
    assert.match(secret!, /^whsec_/);
    const shown = JSON.stringify([
      destination,
      await service.getDestination(tenantId, destination.id),
      await service.listDestinations(tenantId),
    ]);
    assert.ok(!shown.includes(secret!.slice(6)));
    assert.equal(destination.status, 'active');
    assert.deepEqual(destination.filter, { types: ['AWS::S3::Bucket'] });
    const other = (await createTenant(env.prisma)).id;
    assert.equal((await refusal(service.getDestination(other, destination.id))).code, 'not_found');
    assert.equal((await refusal(service.deleteDestination(other, destination.id))).code, 'not_found');
    assert.deepEqual(await service.listDestinations(other), { items: [], nextCursor: null });
    await service.createDestination(tenantId, {
      name: 'second',
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/2' },
    });
    const first = await service.listDestinations(tenantId, { limit: 1 });
    assert.equal(first.items.length, 1);
    const rest = await service.listDestinations(tenantId, { limit: 10, cursor: first.nextCursor! });
    assert.ok(rest.items.length >= 1 && rest.items.every((d) => d.id > first.items[0].id));
  });

  it('pauses and resumes; replay from a time moves the cursor before the first change since then', async () => {
    const conn = await createConnection(env.prisma, tenantId);
    const r = await createResource(env.prisma, conn);
    const { destination } = await service.createDestination(tenantId, {
      name: 'p',
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/p' },
    });
    await env.prisma.resourceChange.create({
      data: {
        tenantId,
        resourceId: r.id,
        kind: 'created',
        changedFields: [],
        at: new Date(Date.now() - 3_600_000),
      },
    });
    const since = new Date(Date.now() - 60_000);
    await env.prisma.resourceChange.create({
      data: { tenantId, resourceId: r.id, kind: 'updated', changedFields: ['X'] },
    });
    const paused = await service.updateDestination(tenantId, destination.id, { status: 'paused' });
    assert.equal(paused.status, 'paused');
    const replayed = await service.replay(tenantId, destination.id, { since });
    assert.equal(replayed.status, 'active');
    assert.equal(replayed.lag.changes, 1, 'only the change since then is pending again');
    const err = await refusal(service.replay(tenantId, destination.id, {}));
    assert.equal(err.code, 'validation_failed');
  });
});
