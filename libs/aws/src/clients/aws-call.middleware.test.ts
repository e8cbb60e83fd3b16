import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CloudControlClient, GetResourceCommand, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import { parseConfig } from '@tally/config';
import { Metrics, sampleValue } from '@tally/metrics';
import { CallPacer } from '../collector/call-pacer';
import { awsCallOutcome, countedIn, instrumentAwsClient } from './aws-call.middleware';
import { AwsClients } from './aws-clients';

describe('awsCallOutcome', () => {
  it('classifies SDK errors into the metric outcomes', () => {
    assert.equal(awsCallOutcome({ name: 'ThrottlingException', $fault: 'client' }), 'throttled');
    assert.equal(awsCallOutcome({ name: 'X', $metadata: { httpStatusCode: 429 } }), 'throttled');
    assert.equal(awsCallOutcome({ name: 'AccessDeniedException', $fault: 'client' }), 'denied');
    assert.equal(awsCallOutcome({ name: 'InternalFailure', $fault: 'server' }), 'server_error');
    assert.equal(awsCallOutcome({ name: 'ValidationException', $fault: 'client' }), 'client_error');
    assert.equal(
      awsCallOutcome(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
      'network_error',
    );
  });

  it("counts as throttled what the SDK's retries and the pacer call throttling (the old hand list did not)", () => {
    for (const name of ['LimitExceededException', 'PriorRequestNotComplete', 'EC2ThrottledException'])
      assert.equal(
        awsCallOutcome({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } }),
        'throttled',
      );
  });
});

describe('instrumentAwsClient', () => {
  let server: Server;
  let endpoint: string;
  /** Error bodies to answer before succeeding, one per request. */
  let failures: { status: number; type: string; message: string }[] = [];
  let requests = 0;

  before(async () => {
    // A JSON 1.0 stand-in for Cloud Control: answers the queued failures first, then succeeds.
    server = createServer((req, res) => {
      req.resume().on('end', () => {
        requests++;
        const failure = failures.shift();
        if (failure) {
          res.writeHead(failure.status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: failure.type, message: failure.message }));
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
  beforeEach(() => {
    failures = [];
    requests = 0;
  });

  const throttled = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
  const client = (m: Metrics, maxAttempts: number) =>
    instrumentAwsClient(
      new CloudControlClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
        maxAttempts,
      }),
      m,
    );

  it('counts calls by service, operation and outcome, each throttled attempt, and latency', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const c = client(m, 2);
    instrumentAwsClient(c, m); // idempotent: still one count per call
    failures = [throttled]; // first attempt throttled, retry succeeds
    await c.send(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' }));
    failures = [throttled, throttled, throttled]; // both attempts throttled: the call fails
    await assert.rejects(c.send(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' })), {
      name: 'ThrottlingException',
    });
    c.destroy();
    const body = (await m.scrape()).body;
    const call = { service: 'cloudcontrol', operation: 'ListResources' };
    assert.equal(sampleValue(body, 'tally_aws_calls_total', { ...call, outcome: 'ok' }), 1);
    assert.equal(sampleValue(body, 'tally_aws_calls_total', { ...call, outcome: 'throttled' }), 1);
    assert.equal(sampleValue(body, 'tally_aws_throttles_total', { service: 'cloudcontrol' }), 3);
    assert.equal(sampleValue(body, 'tally_aws_call_duration_seconds_count', call), 2);
    assert.ok(sampleValue(body, 'tally_aws_call_duration_seconds_sum', call) > 0);
  });

  it("adds every attempt of a counted command, failed ones included, to its work's count, and nothing else's", async () => {
    const m = new Metrics({ defaultMetrics: false });
    const c = client(m, 3);
    const task = { apiCalls: 0 };
    const other = { apiCalls: 0 };
    failures = [throttled, throttled];
    await c.send(countedIn(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' }), task));
    assert.equal(task.apiCalls, 3);
    failures = [throttled, throttled, throttled];
    await assert.rejects(c.send(countedIn(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' }), other)));
    await c.send(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' })); // counted for nobody
    c.destroy();
    assert.deepEqual([task.apiCalls, other.apiCalls, requests], [3, 3, 7]);
  });

  it("counts each command's attempts in its own work on Tally's clients, which reuse one resolved handler per command class", async () => {
    const clients = new AwsClients(
      parseConfig({ AWS_ENDPOINT_URL_CLOUDCONTROL: endpoint }),
      new Metrics({ defaultMetrics: false }),
    );
    const c = clients.cloudControl(
      'us-east-1',
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      new CallPacer({ initialRate: 1000, maxRate: 1000 }),
    );
    assert.equal(c.config.cacheMiddleware, true, 'the SDK caches the middleware stack per command class');
    const list = () => new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' });
    const first = { apiCalls: 0 };
    const second = { apiCalls: 0 };
    await c.send(countedIn(list(), first));
    failures = [throttled, throttled];
    await c.send(countedIn(list(), second)); // the cached handler's context still names the first command
    assert.deepEqual([first.apiCalls, second.apiCalls], [1, 3]);
    const many = Array.from({ length: 12 }, () => ({ apiCalls: 0 }));
    await Promise.all(many.map((count) => c.send(countedIn(list(), count))));
    c.destroy();
    assert.deepEqual(
      many.map((m) => m.apiCalls),
      many.map(() => 1),
    );
  });

  it('lets the SDK retry the handler failures Tally deems transient, never a wrong-region probe', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const c = client(m, 3);
    const handlerFailed = {
      status: 400,
      type: 'GeneralServiceException',
      message:
        'AWS::ECS::Cluster Handler returned status FAILED: Rate exceeded (HandlerErrorCode: GeneralServiceException)',
    };
    failures = [handlerFailed, handlerFailed];
    const get = () => new GetResourceCommand({ TypeName: 'AWS::S3::Bucket', Identifier: 'b' });
    await c.send(get()); // 400s the SDK alone would not retry: the third attempt succeeds
    assert.equal(requests, 3);
    requests = 0;
    failures = [
      {
        status: 400,
        type: 'GeneralServiceException',
        message:
          'AWS::S3::Bucket Handler returned status FAILED: null (Service: S3, Status Code: 301, Request ID: null)',
      },
    ];
    await assert.rejects(c.send(get()), { name: 'GeneralServiceException' });
    assert.equal(requests, 1, 'a bucket in another region is not retried');
    requests = 0;
    failures = [{ status: 400, type: 'AccessDeniedException', message: 'not authorized' }];
    await assert.rejects(c.send(get()), { name: 'AccessDeniedException' });
    assert.equal(requests, 1, 'customer-actionable errors are not retried');
    c.destroy();
  });
});
