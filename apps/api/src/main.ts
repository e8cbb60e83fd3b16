import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, redactedConfig } from '@tally/config';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  const logger = new Logger('api');
  logger.log({ config: redactedConfig(config) }, 'starting api');
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; shutting down');
    void app.close().finally(() => process.exit(1));
  });
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`api listening on port ${config.PORT}`);
}

void main();
