import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@tally/config';
import { startWorkerHttp } from './worker-http';
import { WorkerModule, type WorkerOptions } from './worker.module';

export interface RunningWorker {
  app: INestApplicationContext;
  http: Server;
  close(): Promise<void>;
}

/** Boots the worker: the Nest context (processors, scheduler) and its HTTP listener. */
export async function startWorker(config: AppConfig, options: WorkerOptions = {}): Promise<RunningWorker> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  let closing = false;
  const http = await startWorkerHttp(config.WORKER_METRICS_PORT, {
    '/healthz': async () => ({
      status: closing ? 503 : 200,
      type: 'application/json',
      body: JSON.stringify({ status: closing ? 'shutting down' : 'ok' }),
    }),
  });
  return {
    app,
    http,
    async close() {
      closing = true;
      await app.close();
      await new Promise((r) => http.close(r));
    },
  };
}
