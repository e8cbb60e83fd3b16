import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, redactedConfig } from '@tally/config';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const worker = await startWorker(config);
  const logger = new Logger('worker');
  logger.log({ config: redactedConfig(config) }, 'worker started');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing active jobs, then exiting`);
    worker.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; shutting down');
    stop('unhandledRejection');
  });
}

void main();
