import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@tally/config';
import { WorkerHttp } from './worker-http';
import { WorkerModule, type WorkerOptions } from './worker.module';

export interface RunningWorker {
  app: INestApplicationContext;
  http: Server;
  /** Runs Nest's shutdown: scheduler off, active jobs finished (or returned), connections closed. Idempotent. */
  close(): Promise<void>;
}

export interface StartWorkerOptions extends WorkerOptions {
  /** Overrides WORKER_METRICS_PORT (tests pass 0). */
  httpPort?: number;
}

/**
 * Boots the worker: the Nest context (processors, scheduler, HTTP listener for /healthz, /readyz,
 * /metrics). Shutdown is Nest's, in its three phases: the scheduler stops (onModuleDestroy), the
 * queue workers drain (beforeApplicationShutdown), then connections close (onApplicationShutdown).
 */
export async function startWorker(
  config: AppConfig,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const port = options.httpPort ?? config.WORKER_METRICS_PORT;
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ ...config, WORKER_METRICS_PORT: port }, options),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.init();
  let closing: Promise<void> | undefined;
  return {
    app,
    http: app.get(WorkerHttp).server!,
    close: () => (closing ??= app.close()),
  };
}
