import 'reflect-metadata';
import type { Request, Response } from 'express';
import { loadConfigOrExit } from '@tally/config';
import { createApiApp } from './app';
import { serveApi } from './serve';

// The real api process plus two test-only routes, started by serve.test.ts as a child process:
// a slow request (to be in flight during SIGTERM) and an unhandled rejection.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  app.use('/__test/slow', (req: Request, res: Response) => {
    setTimeout(() => res.json({ slow: 'done' }), Number(req.query.ms ?? 1500));
  });
  app.use('/__test/reject', (_req: Request, res: Response) => {
    void Promise.reject(new Error('boom from a forgotten promise'));
    res.json({ ok: true });
  });
  await serveApi(app, config, 0);
}

void main();
