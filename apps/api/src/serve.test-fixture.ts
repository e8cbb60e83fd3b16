import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { loadConfigOrExit } from '@tally/config';
import { PrismaService } from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { createApiApp } from './app';
import { serveApi } from './serve';

const RUN = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  runId: '00000000-0000-4000-8000-000000000002',
};

// The real api process plus two test-only routes, started by serve.test.ts as a child process:
// a slow request that reads PostgreSQL and enqueues a job at its end, as real requests do (in
// flight during SIGTERM: both connections must still be open when it gets there), and an
// unhandled rejection.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  const prisma = app.get(PrismaService);
  const jobs = app.get(JobQueueService);
  const finish = () =>
    Promise.all([
      prisma.$queryRaw<{ one: number }[]>`SELECT 1 AS one`,
      jobs.enqueue('sync.finish', RUN, { delay: 60_000 }),
    ]);
  app.use('/__test/slow', (req: Request, res: Response) => {
    new Logger('test').log('slow request started');
    setTimeout(
      () => {
        finish().then(
          ([[row], job]) => res.json({ slow: 'done', db: row.one, enqueued: Boolean(job.id) }),
          (err: Error) => res.status(500).json({ error: err.message }),
        );
      },
      Number(req.query.ms ?? 1500),
    );
  });
  app.use('/__test/reject', (_req: Request, res: Response) => {
    void Promise.reject(new Error('boom from a forgotten promise'));
    res.json({ ok: true });
  });
  await serveApi(app, config, 0);
}

void main();
