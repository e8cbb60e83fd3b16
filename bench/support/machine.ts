// What the numbers were measured on (they mean little without it).
import { cpus, loadavg, release, totalmem } from 'node:os';
import pg from 'pg';
import { createRedis } from '@tally/jobs';
import { TEST_PG_SERVER } from '@tally/testing';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  kernel: string;
  node: string;
  postgres: string;
  postgresSettings: string;
  redis: string;
  loadAverage: string;
  summary: string;
}

export async function describeMachine(): Promise<Machine> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  let postgres = '?';
  let postgresSettings = '';
  try {
    postgres = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    const s = await client.query<{ name: string; value: string }>(
      `SELECT name, current_setting(name) AS value FROM pg_settings
       WHERE name IN ('shared_buffers','work_mem','max_wal_size','synchronous_commit','effective_cache_size','autovacuum') ORDER BY name`,
    );
    postgresSettings = s.rows.map((r) => `${r.name}=${r.value}`).join(', ');
  } finally {
    await client.end();
  }
  const redis = createRedis(
    { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    { lazyConnect: true, maxRetriesPerRequest: 1 },
  );
  let redisVersion = '?';
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  } finally {
    redis.disconnect();
  }
  const c = cpus();
  const m: Omit<Machine, 'summary'> = {
    cores: c.length,
    cpuModel: c[0]?.model.trim() ?? '?',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
    postgres: `PostgreSQL ${postgres}`,
    postgresSettings,
    redis: `Redis ${redisVersion}`,
    loadAverage: loadavg()
      .map((l) => l.toFixed(1))
      .join(' / '),
  };
  return {
    ...m,
    summary: `${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, ${m.postgres}, ${m.redis}, load ${m.loadAverage}`,
  };
}
