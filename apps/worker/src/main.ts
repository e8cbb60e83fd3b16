import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, redactedConfig } from '@tally/config';
import { startWorker, type RunningWorker } from './worker';

/**
 * The worker process: SIGTERM/SIGINT stop the scheduler, let active jobs finish (or return them
 * to the queue after SHUTDOWN_TIMEOUT_MS) and exit 0; an unhandled rejection is logged with its
 * stack and stops the process the same way with exit 1.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new Logger('worker');
  let worker: RunningWorker | undefined;
  let stopping = false;
  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.log({ reason }, 'stopping: scheduler off, finishing active jobs');
    setTimeout(() => {
      logger.error({ reason }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 10_000).unref();
    (worker?.close() ?? Promise.resolve()).then(
      () => process.exit(code),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('unhandledRejection', (reason) => {
    logger.error(
      { err: reason, context: 'unhandledRejection' },
      'unhandled promise rejection; shutting down',
    );
    stop('unhandledRejection', 1);
  });
  worker = await startWorker(config);
  logger.log({ component: 'worker', config: redactedConfig(config) }, 'worker started');
}

process.on('uncaughtException', (err) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'uncaught exception; exiting', err: { message: err.message, stack: err.stack } })}\n`,
  );
  process.exit(1);
});
main().catch((err: Error) => {
  process.stderr.write(`worker failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
