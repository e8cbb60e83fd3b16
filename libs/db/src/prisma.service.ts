import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaClient } from './generated/prisma/client';

/** Connections in the pool of the process's Prisma client (the worker sizes its bulk writes by it). */
export const DB_POOL_SIZE = 10;

const pools = new WeakMap<object, Pool>();

/** A Prisma adapter over a node-postgres pool we keep a handle on; $disconnect still ends the pool. */
function pooledAdapter(connectionString: string, max: number): { adapter: PrismaPg; pool: Pool } {
  const pool = new Pool({ connectionString, max });
  // An idle connection cut by the server (failover, pg_terminate_backend) is dropped by the pool and
  // replaced on the next query; without a listener, its 'error' would be thrown and stop the process.
  pool.on('error', () => undefined);
  return { adapter: new PrismaPg(pool, { disposeExternalPool: true }), pool };
}

/**
 * The node-postgres pool under a client from this module, while it is open. Bulk statements with
 * page-sized parameters go through it directly: Prisma's raw queries JSON-encode every parameter
 * again, decode it back, and keep the last hundred queries' arguments in @prisma/debug's history.
 */
export function poolOf(client: object): Pool | undefined {
  const pool = pools.get(client);
  return pool && !pool.ending && !pool.ended ? pool : undefined;
}

/** Builds a Prisma client over node-postgres for a connection string (no engine download involved). */
export function createPrismaClient(connectionString: string, max = DB_POOL_SIZE): PrismaClient {
  const { adapter, pool } = pooledAdapter(connectionString, max);
  const client = new PrismaClient({ adapter });
  pools.set(client, pool);
  return client;
}

/**
 * The process's one Prisma client, connected lazily and closed in Nest's last shutdown phase, once
 * in-flight requests and active jobs no longer need it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { adapter, pool } = pooledAdapter(config.DATABASE_URL, DB_POOL_SIZE);
    super({ adapter });
    pools.set(this, pool);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
