import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestEnvironment, type TestEnvironment } from '@tally/testing';

const FIXTURE = join(__dirname, 'serve.test-fixture.js');
const ADMIN_KEY = `tly_${'s'.repeat(43)}`;

interface Api {
  child: ChildProcessWithoutNullStreams;
  port: number;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves once a log line matching `re` has been printed. */
  waitFor(re: RegExp): Promise<void>;
}

/** GET with a fresh connection each time (no keep-alive), resolving with status and body. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('api process: graceful shutdown, start-up lines, unhandled rejections', () => {
  let env: TestEnvironment;

  const startApi = (overrides: Record<string, string> = {}): Promise<Api> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [FIXTURE], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          // trust auth ignores the password: it is here to prove it never reaches a log line
          DATABASE_URL: env.config.DATABASE_URL.replace(
            'postgresql://postgres@',
            'postgresql://postgres:hunter2secret@',
          ),
          REDIS_URL: env.config.REDIS_URL,
          REDIS_PREFIX: env.config.REDIS_PREFIX,
          ADMIN_API_KEY: ADMIN_KEY,
          SHUTDOWN_DELAY_MS: '800',
          SHUTDOWN_TIMEOUT_MS: '10000',
          ...overrides,
        },
      });
      const lines: string[] = [];
      const watchers: { re: RegExp; seen(): void }[] = [];
      const waitFor = (re: RegExp) =>
        new Promise<void>((seen) => (lines.some((l) => re.test(l)) ? seen() : watchers.push({ re, seen })));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      let buffer = '';
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          for (const w of watchers) if (w.re.test(line)) w.seen();
          const m = /"component":"http","port":(\d+)/.exec(line);
          if (m) resolve({ child, port: Number(m[1]), lines, exited, waitFor });
        }
      });
      child.stderr.on('data', (d: Buffer) => lines.push(d.toString()));
      void exited.then((code) =>
        reject(new Error(`api exited (${code}) before listening:\n${lines.join('\n')}`)),
      );
    });

  before(async () => {
    env = await createTestEnvironment();
  });
  after(() => env.close());

  it('on SIGTERM: /readyz goes 503, the in-flight request completes, new connections are refused, exit 0', async () => {
    const api = await startApi();
    try {
      assert.equal((await get(api.port, '/readyz')).status, 200);
      const started = Date.now();
      const slow = get(api.port, '/__test/slow?ms=2500');
      await api.waitFor(/slow request started/);
      api.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      const draining = await get(api.port, '/readyz');
      assert.equal(draining.status, 503);
      assert.match(draining.body, /shutting down/);
      // After SHUTDOWN_DELAY_MS the listener is closed while the slow request is still running.
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(Date.now() - started < 2500, 'the slow request is still in flight');
      await assert.rejects(get(api.port, '/healthz'), { code: 'ECONNREFUSED' });
      const done = await slow;
      assert.equal(done.status, 200);
      assert.deepEqual(
        JSON.parse(done.body),
        { slow: 'done', db: 1, enqueued: true },
        'PostgreSQL and Redis were still open',
      );
      assert.equal(await api.exited, 0);
      const text = api.lines.join('\n');
      assert.match(text, /draining: \/readyz now answers 503/);
      assert.match(text, /api stopped/);
      // One start-up line per component, secrets redacted.
      for (const component of ['api', 'http', 'postgres', 'redis', 'oidc', 'aws', 'metrics']) {
        assert.match(text, new RegExp(`"component":"${component}"`), component);
      }
      assert.ok(!text.includes('hunter2secret') && !text.includes(ADMIN_KEY), 'no secret in the logs');
    } finally {
      api.child.kill('SIGKILL');
    }
  });

  it('on SIGTERM: a request still running at SHUTDOWN_TIMEOUT_MS is cut, and the process still exits 0', async () => {
    const api = await startApi({ SHUTDOWN_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      const slow = get(api.port, '/__test/slow?ms=20000');
      const cut = assert.rejects(slow, { code: 'ECONNRESET' });
      await api.waitFor(/slow request started/);
      api.child.kill('SIGTERM');
      await cut;
      assert.equal(await api.exited, 0);
      assert.match(api.lines.join('\n'), /requests still running at the shutdown timeout; closing them/);
    } finally {
      api.child.kill('SIGKILL');
    }
  });

  it('an unhandled rejection is logged with its stack and ends the process with exit 1', async () => {
    const api = await startApi();
    try {
      assert.equal((await get(api.port, '/__test/reject')).status, 200);
      assert.equal(await api.exited, 1);
      const text = api.lines.join('\n');
      assert.match(text, /unhandled promise rejection; shutting down/);
      assert.match(text, /boom from a forgotten promise/);
      assert.match(text, /serve\.test-fixture\.js/, 'the stack says where it came from');
    } finally {
      api.child.kill('SIGKILL');
    }
  });
});
