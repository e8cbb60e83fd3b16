import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { checkEvictionPolicy } from './redis-policy';
import { createRedis } from './redis';

/** A free port: bind 0, read it, close. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('Redis eviction policy check', () => {
  let child: ChildProcess;
  let url: string;

  before(async () => {
    const port = await freePort();
    // A private Redis that evicts (never CONFIG SET on the shared one: other runs use it).
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!/Ready to accept connections/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`redis-server did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = `redis://127.0.0.1:${port}`;
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  async function check(redisUrl: string, nodeEnv: string) {
    const redis = createRedis({ REDIS_URL: redisUrl }, { lazyConnect: true });
    try {
      return await checkEvictionPolicy(redis, nodeEnv);
    } finally {
      redis.disconnect();
    }
  }

  it('warns outside production when Redis may evict jobs, naming the policy and the fix', async () => {
    const warning = await check(url, 'development');
    assert.match(warning ?? '', /maxmemory-policy is allkeys-lru/);
    assert.match(warning ?? '', /Set maxmemory-policy noeviction/);
  });

  it('refuses to start in production', async () => {
    await assert.rejects(
      check(url, 'production'),
      /^Error: Refusing to start: Redis maxmemory-policy is allkeys-lru/,
    );
  });

  it('is silent with noeviction (the shared test Redis)', async () => {
    assert.equal(await check(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 'production'), null);
  });
});
