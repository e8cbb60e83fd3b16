import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateWebhookSecret, signatureHeader, signWebhook, verifyWebhook } from './webhook.signing';

describe('Standard Webhooks signing', () => {
  it('signs "id.timestamp.body" with HMAC-SHA256 keyed by the base64 part of whsec_', () => {
    const key = Buffer.from('a fixed key of thirty-two bytes!');
    const secret = `whsec_${key.toString('base64')}`;
    const body = '{"type":"resource.created"}';
    const expected = createHmac('sha256', key).update(`msg_1.1700000000.${body}`).digest('base64');
    assert.equal(signWebhook(secret, 'msg_1', 1700000000, body), `v1,${expected}`);
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const s = generateWebhookSecret();
    assert.match(s, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(s, generateWebhookSecret());
  });

  it('during a rotation both secrets sign, space-separated, and each verifies', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const header = signatureHeader([b, a], 'id', 1, 'x');
    assert.equal(header.split(' ').length, 2);
    assert.ok(verifyWebhook(a, 'id', 1, 'x', header));
    assert.ok(verifyWebhook(b, 'id', 1, 'x', header));
    assert.ok(!verifyWebhook(generateWebhookSecret(), 'id', 1, 'x', header));
    assert.ok(!verifyWebhook(a, 'id', 2, 'x', header));
  });
});
