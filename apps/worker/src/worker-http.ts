import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { checkReadiness, readinessStatus } from '@tally/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService } from '@tally/db';
import { RedisProbe } from '@tally/jobs';
import { Metrics } from '@tally/metrics';

export type Route = () => Promise<{ status: number; type: string; body: string }>;

/** Listens on `port` and answers GET requests from `routes` (404 otherwise). */
function listen(port: number, routes: Record<string, Route>): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]];
    if (!route || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    route().then(
      (r) => res.writeHead(r.status, { 'content-type': r.type }).end(r.body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

/**
 * The worker's small HTTP listener on WORKER_METRICS_PORT: /healthz, /readyz, /metrics. Plain
 * node:http: a worker has no business carrying a web framework. From the first shutdown phase
 * on, health answers 503; the listener itself closes in the last one, after the active jobs.
 */
@Injectable()
export class WorkerHttp implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private stopping = false;
  private readonly redis: RedisProbe;
  server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {
    this.redis = new RedisProbe(config);
  }

  /** /readyz: PostgreSQL and Redis answer and the process is not draining (the api's answer too). */
  private readonly readiness: Route = async () => {
    const result = await checkReadiness({
      postgres: () => this.prisma.$queryRaw`SELECT 1`,
      redis: () => this.redis.ping(),
    });
    if (this.stopping) {
      result.checks.shutdown = { ok: false, error: 'the process is shutting down' };
      result.ready = false;
    }
    return {
      status: result.ready ? 200 : 503,
      type: 'application/json',
      body: JSON.stringify({ status: readinessStatus(result), checks: result.checks }),
    };
  };

  async onApplicationBootstrap(): Promise<void> {
    const health: Route = async () => ({
      status: this.stopping ? 503 : 200,
      type: 'application/json',
      body: JSON.stringify({ status: this.stopping ? 'shutting down' : 'ok' }),
    });
    this.server = await listen(this.config.WORKER_METRICS_PORT, {
      '/healthz': health,
      '/readyz': this.readiness,
      '/metrics': async () => {
        const { contentType, body } = await this.metrics.scrape();
        return { status: 200, type: contentType, body };
      },
    });
    this.logger.log(
      {
        component: 'http',
        port: (this.server.address() as AddressInfo).port,
        paths: ['/healthz', '/readyz', '/metrics'],
      },
      'worker http listener ready',
    );
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server?.listening) await new Promise((r) => server.close(r));
    this.redis.close();
  }
}
