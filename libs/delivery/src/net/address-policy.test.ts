import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { addressAllowed, classifyAddress } from './address-policy';
import { checkDestinationUrl } from './destination-url';
import { HttpFailure, requestDestination } from './http-client';

describe('address policy (SSRF guard)', () => {
  it('refuses loopback, private, link-local, multicast, unspecified and reserved IPv4', () => {
    const cases: Array<[string, string | null]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['172.32.0.1', null],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['224.0.0.1', 'multicast'],
      ['0.0.0.0', 'unspecified'],
      ['255.255.255.255', 'reserved'],
      ['192.0.2.10', 'documentation'],
      ['8.8.8.8', null],
      ['52.95.110.1', null],
    ];
    for (const [ip, want] of cases) assert.equal(classifyAddress(ip), want, ip);
  });

  it('sees IPv4 inside IPv6 (mapped, NAT64, 6to4) and refuses IPv6 special ranges', () => {
    const cases: Array<[string, string | null]> = [
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['64:ff9b::a9fe:a9fe', 'link-local'],
      ['2002:c0a8:0101::1', 'private'],
      ['fe80::1%eth0', 'link-local'],
      ['fd00::1', 'private'],
      ['ff02::1', 'multicast'],
      ['2001:db8::1', 'documentation'],
      ['2606:4700:4700::1111', null],
      ['::ffff:8.8.8.8', null],
    ];
    for (const [ip, want] of cases) assert.equal(classifyAddress(ip), want, ip);
  });

  it('the private-networks setting allows private and loopback, never unspecified or multicast', () => {
    assert.equal(addressAllowed('127.0.0.1', true), null);
    assert.equal(addressAllowed('10.0.0.1', true), null);
    assert.equal(addressAllowed('0.0.0.0', true), 'unspecified');
    assert.equal(addressAllowed('ff02::1', true), 'multicast');
    assert.equal(addressAllowed('127.0.0.1', false), 'loopback');
  });

  it('checks URLs: scheme, https in production, credentials, literal addresses', () => {
    const open = { allowPrivate: false, requireHttps: false };
    assert.throws(() => checkDestinationUrl('ftp://example.com', open), /https/);
    assert.throws(
      () => checkDestinationUrl('http://example.com', { ...open, requireHttps: true }),
      /production/,
    );
    assert.throws(() => checkDestinationUrl('https://u:p@example.com', open), /credentials/);
    assert.throws(() => checkDestinationUrl('https://169.254.169.254/latest', open), /link-local/);
    assert.throws(() => checkDestinationUrl('https://[::ffff:127.0.0.1]/', open), /loopback/);
    assert.equal(checkDestinationUrl('https://hooks.example.com/x', open).host, 'hooks.example.com');
  });

  it('refuses a host name resolving to 127.0.0.1 at connect time by default, allows it when configured', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      // "localhost" is a name: only the guarded lookup on the socket can see it is loopback.
      const url = `http://localhost:${port}/hook`;
      const refused = await requestDestination(
        { method: 'POST', url, body: '{}', timeoutMs: 2000 },
        { allowPrivate: false, requireHttps: false },
      ).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(refused instanceof HttpFailure);
      assert.equal(refused.reason, 'refused');
      assert.match(refused.message, /localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
      assert.equal(hits, 0);
      const allowed = await requestDestination(
        { method: 'POST', url: `http://127.0.0.1:${port}/hook`, body: '{}', timeoutMs: 2000 },
        { allowPrivate: true, requireHttps: false },
      );
      assert.equal(allowed.status, 200);
      assert.equal(hits, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
