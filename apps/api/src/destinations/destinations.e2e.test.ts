import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeChangeCursor, verifyWebhook } from '@tally/delivery';
import { parseTemplate } from '@tally/onboarding';
import { assertAudited, suiteApi, type ApiHarness } from '../test-support/api-harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver that records what it gets and answers `status`. */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  status: number;
  server: Server;
}> {
  const state = { url: '', received: [] as Received[], status: 204, server: undefined as unknown as Server };
  state.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      state.received.push({ headers: req.headers, body });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => state.server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/hook`;
  return state;
}

const BAD_JQ = `resources:
  - kind: AWS::S3::Bucket
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Identifier |||
          blueprint: '"bucket"'
`;

describe('api destinations', () => {
  let api: ApiHarness;
  let tenantId: string;
  let tenantKey: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  suiteApi(
    async (suite) => {
      ({ api, tenantId, tenantKey } = suite);
    },
    { env: { DESTINATIONS_ALLOW_PRIVATE_NETWORKS: 'true' } },
  );
  before(async () => {
    receiver = await startReceiver();
  });
  after(async () => {
    await new Promise((r) => receiver.server.close(r));
  });

  const base = () => `/v1/tenants/${tenantId}/destinations`;
  const call = (method: string, path: string, body?: unknown) =>
    api.request(method, base() + path, { key: tenantKey, body });

  async function webhook(name = 'hook', extra: Record<string, unknown> = {}) {
    const res = await call('POST', '', { name, kind: 'webhook', config: { url: receiver.url }, ...extra });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  it('creates a webhook destination whose answer holds the secret once; no other answer ever does', async () => {
    const created = await webhook('inventory', { filter: { types: ['AWS::S3::Bucket'] } });
    assert.match(created.secret, /^whsec_/);
    assert.equal(created.kind, 'webhook');
    assert.equal(created.status, 'active');
    assert.deepEqual(created.config, { url: receiver.url });
    assert.deepEqual(created.filter, { types: ['AWS::S3::Bucket'] });
    assert.deepEqual(created.lag, { changes: 0, seconds: 0 });
    const id = created.id;

    const answers = [
      await call('GET', ''),
      await call('GET', `/${id}`),
      await call('PATCH', `/${id}`, { name: 'renamed' }),
      await call('POST', `/${id}/replay`, { since: '2026-01-01T00:00:00Z' }),
      await call('POST', `/${id}/test`),
      await call('GET', `/${id}/deliveries`),
    ];
    for (const res of answers) {
      assert.ok(res.status < 300, res.text);
      assert.ok(!res.text.includes(created.secret), 'no secret in a later answer');
      assert.ok(!/"secret"/.test(res.text), 'no secret field in a later answer');
    }
    assert.equal(answers[0].body.items[0].id, id);
    assert.equal(answers[2].body.name, 'renamed');
    const stored = await api.env.prisma.destination.findUniqueOrThrow({ where: { id } });
    assert.ok(
      !Buffer.from(stored.secretsCipher!).toString('latin1').includes(created.secret),
      'sealed at rest',
    );
  });

  it('sends a signed test message and answers its outcome', async () => {
    const created = await webhook('tested');
    receiver.received.length = 0;
    const ok = await call('POST', `/${created.id}/test`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.ok, true);
    assert.equal(typeof ok.body.durationMs, 'number');
    assert.equal(receiver.received.length, 1);
    const [msg] = receiver.received;
    const h = (n: string) => String(msg.headers[n]);
    assert.ok(
      verifyWebhook(
        created.secret,
        h('webhook-id'),
        Number(h('webhook-timestamp')),
        msg.body,
        h('webhook-signature'),
      ),
      'signed with the secret the create answer held',
    );
    receiver.status = 401;
    try {
      const failed = await call('POST', `/${created.id}/test`);
      assert.equal(failed.body.ok, false);
      assert.match(failed.body.error, /401/);
    } finally {
      receiver.status = 204;
    }
  });

  it('rotates a webhook secret: the new one is answered once and signs from then on', async () => {
    const created = await webhook('rotated');
    const rotated = await call('POST', `/${created.id}/rotate-secret`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, created.secret);
    assert.ok(Date.parse(rotated.body.previousExpiresAt) > Date.now());
    assert.ok(!(await call('GET', `/${created.id}`)).text.includes(rotated.body.secret));
    receiver.received.length = 0;
    await call('POST', `/${created.id}/test`);
    const [msg] = receiver.received;
    const h = (n: string) => String(msg.headers[n]);
    for (const secret of [rotated.body.secret, created.secret]) {
      assert.ok(
        verifyWebhook(
          secret,
          h('webhook-id'),
          Number(h('webhook-timestamp')),
          msg.body,
          h('webhook-signature'),
        ),
        'both signatures during the overlap',
      );
    }
  });

  it('refuses bad input with the field and reason', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ name: 'x', kind: 'email', config: {} }, 'kind', /one of/],
      [{ name: 'x', kind: 'webhook', config: { url: 'ftp://example.com' } }, 'config.url', /./],
      [
        { name: 'x', kind: 'webhook', config: { url: receiver.url }, filter: { accountIds: ['1'] } },
        'filter.accountIds.0',
        /12 digits/,
      ],
      [
        { name: 'x', kind: 'webhook', config: { url: receiver.url }, surprise: 1 },
        'surprise',
        /not a known field/,
      ],
      [{ name: '', kind: 'webhook', config: { url: receiver.url } }, 'name', /empty/],
    ];
    for (const [body, field, message] of cases) {
      const res = await call('POST', '', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      const error = res.body.errors.find((e: { field: string }) => e.field === field);
      assert.ok(error, `${field} named in ${res.text}`);
      assert.match(error.message, message);
    }
  });

  it('compiles a mapping when saved: 400 naming the kind, field and jq error', async () => {
    const res = await call('POST', '', {
      name: 'm',
      kind: 'webhook',
      config: { url: receiver.url },
      mapping: BAD_JQ,
    });
    assert.equal(res.status, 400, res.text);
    const [error] = res.body.errors;
    assert.equal(error.field, 'mapping.resources[0].port.entity.mappings.identifier');
    assert.match(error.message, /^AWS::S3::Bucket: .*syntax error/);
    const created = await webhook('mapped');
    const patch = await call('PATCH', `/${created.id}`, { mapping: BAD_JQ });
    assert.equal(patch.status, 400);
    assert.equal((await call('GET', `/${created.id}`)).body.mapping, null, 'nothing saved');
  });

  it('pauses, resumes and replays from a cursor or a time', async () => {
    const created = await webhook('replayed');
    const paused = await call('PATCH', `/${created.id}`, { status: 'paused' });
    assert.equal(paused.body.status, 'paused');
    const replayed = await call('POST', `/${created.id}/replay`, { after: encodeChangeCursor(0n) });
    assert.equal(replayed.status, 200, replayed.text);
    assert.equal(replayed.body.status, 'active');
    assert.equal(replayed.body.cursor, encodeChangeCursor(0n));
    for (const body of [{}, { after: encodeChangeCursor(0n), since: '2026-01-01T00:00:00Z' }]) {
      const res = await call('POST', `/${created.id}/replay`, body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.errors[0].message, /either after .* or since/);
    }
    const badCursor = await call('POST', `/${created.id}/replay`, { after: 'nope' });
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.errors[0].field, 'after');
  });

  it('lists recent deliveries newest first', async () => {
    const created = await webhook('history');
    await api.env.prisma.destinationDelivery.createMany({
      data: [
        {
          tenantId,
          destinationId: created.id,
          outcome: 'succeeded',
          changes: 2,
          delivered: 2,
          firstCursor: 1n,
          lastCursor: 2n,
          durationMs: 12,
          at: new Date(Date.now() - 1000),
        },
        {
          tenantId,
          destinationId: created.id,
          outcome: 'failed',
          changes: 1,
          delivered: 0,
          firstCursor: 3n,
          lastCursor: 3n,
          durationMs: 5000,
          error: 'The receiver did not answer',
        },
      ],
    });
    const res = await call('GET', `/${created.id}/deliveries?limit=10`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.items.map((d: { outcome: string }) => d.outcome),
      ['failed', 'succeeded'],
    );
    assert.equal(res.body.items[1].lastCursor, encodeChangeCursor(2n));
    assert.equal(res.body.items[0].error, 'The receiver did not answer');
    assert.equal((await call('GET', `/${created.id}/deliveries?limit=0`)).status, 400);
  });

  it("serves an sqs destination's delivery role template with this destination's subject", async () => {
    const sqs = await call('POST', '', {
      name: 'queue',
      kind: 'sqs',
      config: {
        queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/inventory.fifo',
        roleArn: 'arn:aws:iam::123456789012:role/TallyDelivery',
      },
    });
    assert.equal(sqs.status, 201, sqs.text);
    assert.equal(sqs.body.secret, undefined, 'sqs generates no secret');
    const res = await call('GET', `/${sqs.body.id}/cloudformation`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /yaml/);
    assert.match(res.text, /!Ref /, 'short-form intrinsics kept');
    const template = parseTemplate(res.text) as { Parameters: Record<string, { Default?: string }> };
    assert.equal(template.Parameters.Subject.Default, `tenant:${tenantId}:destination:${sqs.body.id}`);
    assert.equal(
      template.Parameters.IssuerHost.Default,
      api.env.config.OIDC_ISSUER_URL.replace(/^https?:\/\//, ''),
    );
    const hook = await webhook('no-template');
    const refused = await call('GET', `/${hook.id}/cloudformation`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'kind');
  });

  it('deletes a destination (then 404) and audits every change', async () => {
    const created = await webhook('deleted');
    assert.equal((await call('DELETE', `/${created.id}`)).status, 204);
    assert.equal((await call('GET', `/${created.id}`)).status, 404);
    assert.equal((await call('DELETE', `/${created.id}`)).status, 404);
    assert.equal((await call('GET', '/not-a-uuid')).status, 404);
    await assertAudited(api, [
      'destination.create',
      'destination.update',
      'destination.replay',
      'destination.rotate_secret',
      'destination.delete',
    ]);
    const audits = await api.env.prisma.auditEvent.findMany({ where: { targetType: 'destination' } });
    assert.ok(!JSON.stringify(audits).includes('whsec_'), 'no secret in the audit trail');
  });
});
