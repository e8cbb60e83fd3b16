import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@tally/config';
import { AppModule, type ApiOptions } from './app.module';
import { setupOpenApi } from './common/openapi.setup';
import { ProblemFilter } from './common/problem.filter';

/** Builds the api application (not yet listening): main.ts and the end-to-end tests share it. */
export async function createApiApp(
  config: AppConfig,
  options: ApiOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: '256kb', type: ['application/json', 'application/*+json'] });
  app.useGlobalFilters(new ProblemFilter());
  setupOpenApi(app);
  return app;
}
