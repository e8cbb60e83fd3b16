import type { Server } from 'node:http';
import { Logger as NestLogger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@tally/config';
import { Metrics } from '@tally/metrics';
import { startWorkerHttp } from './worker-http';
import { workerReadiness } from './worker-readiness';
import { closeQueueWorkers, findQueueWorkers, stopScheduler } from './worker-shutdown';
import { WorkerModule, type WorkerOptions } from './worker.module';

export interface RunningWorker {
  app: INestApplicationContext;
  http: Server;
  /** Stops the scheduler, finishes (or returns) active jobs, closes the app and the listener. Idempotent. */
  close(): Promise<void>;
}

export interface StartWorkerOptions extends WorkerOptions {
  /** Overrides WORKER_METRICS_PORT (tests pass 0). */
  httpPort?: number;
}

/**
 * Boots the worker: the Nest context (processors, scheduler) and its HTTP listener (/healthz,
 * /readyz, /metrics). Signals are handled by main.ts, which calls close(): Nest's own signal
 * handling would close PostgreSQL before the jobs that use it have finished.
 */
export async function startWorker(
  config: AppConfig,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  const logger = new NestLogger('worker');
  let closing: Promise<void> | undefined;
  const health = async () => ({
    status: closing ? 503 : 200,
    type: 'application/json',
    body: JSON.stringify({ status: closing ? 'shutting down' : 'ok' }),
  });
  const readiness = workerReadiness(app, config, () => !!closing);
  const http = await startWorkerHttp(options.httpPort ?? config.WORKER_METRICS_PORT, {
    '/healthz': health,
    '/readyz': readiness.route,
    '/metrics': async () => {
      const { contentType, body } = await app.get(Metrics).scrape();
      return { status: 200, type: contentType, body };
    },
  });
  const workers = findQueueWorkers(app);
  logComponents(
    logger,
    config,
    http,
    workers.map((w) => w.name),
  );

  const close = async () => {
    const stopped = stopScheduler(app);
    logger.log({ component: 'scheduler', stopped }, 'scheduler stopped claiming connections');
    const active = findQueueWorkers(app);
    const outcome = await closeQueueWorkers(active, config.SHUTDOWN_TIMEOUT_MS);
    logger.log(
      { component: 'queue-workers', workers: active.length, outcome },
      outcome === 'finished' ? 'active jobs finished' : 'active jobs returned to the queue',
    );
    readiness.close();
    await app.close();
    await new Promise((r) => http.close(r));
  };
  return {
    app,
    http,
    close: () => (closing ??= close()),
  };
}

/** One start-up line per component with its configuration (no secrets in any of it). */
function logComponents(logger: NestLogger, config: AppConfig, http: Server, queues: string[]): void {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.WORKER_METRICS_PORT;
  logger.log(
    { component: 'http', port, paths: ['/healthz', '/readyz', '/metrics'] },
    'worker http listener ready',
  );
  logger.log(
    {
      component: 'queue-workers',
      queues,
      concurrency: config.SYNC_CONCURRENCY,
      perAccountRegion: config.SYNC_ACCOUNT_REGION_CONCURRENCY,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    },
    'queue workers running',
  );
  logger.log(
    {
      component: 'scheduler',
      enabled: config.SCHEDULER_ENABLED,
      intervalSeconds: config.SCHEDULER_INTERVAL_SECONDS,
    },
    config.SCHEDULER_ENABLED ? 'scheduler enabled' : 'scheduler disabled',
  );
}
