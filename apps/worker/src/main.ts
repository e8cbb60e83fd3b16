import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitThroughShutdownHooks, runMain } from '@tally/common';
import { loadConfigOrExit, redactedConfig } from '@tally/config';
import { startWorker } from './worker';

/**
 * The worker process: SIGTERM/SIGINT stop the scheduler, let active jobs finish (or return them
 * to the queue after SHUTDOWN_TIMEOUT_MS), close connections and exit 0; an unhandled rejection is
 * logged with its stack and stops the process the same way with exit 1.
 */
runMain('worker', async () => {
  const config = loadConfigOrExit();
  const worker = await startWorker(config);
  exitThroughShutdownHooks(worker.app, config.SHUTDOWN_TIMEOUT_MS + 10_000);
  new Logger('worker').log({ component: 'worker', config: redactedConfig(config) }, 'worker started');
});
