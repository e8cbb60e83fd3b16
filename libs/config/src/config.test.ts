import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEV_KEY_ENCRYPTION_KEY, parseConfig, redactedConfig } from './config';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig({});
    assert.equal(c.DATABASE_URL, 'postgresql://postgres@127.0.0.1:5432/tally');
    assert.equal(c.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(c.PORT, 3000);
    assert.equal(c.WORKER_METRICS_PORT, 9464);
    assert.equal(c.OIDC_ISSUER_URL, 'http://127.0.0.1:3000');
    assert.equal(c.OIDC_AUDIENCE, 'sts.amazonaws.com');
    assert.equal(c.AWS_REGION, 'us-east-1');
    assert.equal(c.usingDevKey, true);
    assert.equal(c.keyEncryptionKey.length, 32);
  });

  it('names every offending variable in one error', () => {
    try {
      parseConfig({
        PORT: 'eighty',
        OIDC_ISSUER_URL: 'https://tally.example.com/',
        KEY_ENCRYPTION_KEY: 'c2hvcnQ=',
      });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 3);
      assert.match(err.message, /PORT \(invalid\)/);
      assert.match(err.message, /OIDC_ISSUER_URL \(invalid\): must not end with a slash/);
      assert.match(err.message, /KEY_ENCRYPTION_KEY \(invalid\): must be 32 bytes/);
    }
  });

  it('refuses a pacer that would start above its own ceiling', () => {
    assert.throws(
      () => parseConfig({ SYNC_CALL_RATE_INITIAL: '50', SYNC_CALL_RATE_MAX: '20' }),
      /SYNC_CALL_RATE_INITIAL \(invalid\): must not exceed SYNC_CALL_RATE_MAX \(20\)/,
    );
    assert.equal(
      parseConfig({ SYNC_CALL_RATE_INITIAL: '20', SYNC_CALL_RATE_MAX: '20' }).SYNC_CALL_RATE_MAX,
      20,
    );
  });

  it('refuses the development key and a plain-http issuer in production', () => {
    assert.throws(
      () => parseConfig({ NODE_ENV: 'production', OIDC_ISSUER_URL: 'http://tally.example.com' }),
      (err: ConfigError) =>
        err.problems.some((p) => p.startsWith('KEY_ENCRYPTION_KEY (missing)')) &&
        err.problems.some((p) => p.startsWith('OIDC_ISSUER_URL (invalid): must be https')),
    );
    assert.throws(
      () =>
        parseConfig({
          NODE_ENV: 'production',
          OIDC_ISSUER_URL: 'https://t.example',
          KEY_ENCRYPTION_KEY: DEV_KEY_ENCRYPTION_KEY,
        }),
      /must not be the development key/,
    );
    const key = Buffer.alloc(32, 7).toString('base64');
    const ok = parseConfig({
      NODE_ENV: 'production',
      OIDC_ISSUER_URL: 'https://t.example',
      KEY_ENCRYPTION_KEY: key,
    });
    assert.equal(ok.usingDevKey, false);
  });

  it('keeps secrets out of the start-up line', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const apiKey = `tly_${'a'.repeat(43)}`;
    const c = parseConfig({
      KEY_ENCRYPTION_KEY: key,
      ADMIN_API_KEY: apiKey,
      DATABASE_URL: 'postgresql://u:hunter2@db/x',
    });
    const text = JSON.stringify(redactedConfig(c));
    assert.ok(!text.includes(key) && !text.includes(apiKey) && !text.includes('hunter2'), text);
  });

  it('stops a process with exit 1 and one message on bad configuration', () => {
    const main = join(__dirname, '..', '..', '..', 'apps', 'api', 'src', 'main.js'); // beside this file in the build
    const r = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: '0x', REDIS_URL: 'http://nope' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Invalid configuration:\n {2}- REDIS_URL \(invalid\).*\n {2}- PORT \(invalid\)/);
  });
});
