import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { exitThroughShutdownHooks } from '@tally/common';
import { redactedConfig, type AppConfig } from '@tally/config';
import { HealthService } from './health/health.service';

/** One start-up line per component with its (redacted) configuration. */
function logComponents(logger: Logger, config: AppConfig, port: number): void {
  const c = redactedConfig(config);
  logger.log({ component: 'api', config: c }, 'api configuration');
  logger.log(
    {
      component: 'http',
      port,
      shutdownDelayMs: c.SHUTDOWN_DELAY_MS,
      shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
      rateLimitPerMinute: c.RATE_LIMIT_PER_MINUTE,
    },
    'http listener ready',
  );
  logger.log({ component: 'postgres', url: c.DATABASE_URL }, 'postgres configured');
  logger.log({ component: 'redis', url: c.REDIS_URL, prefix: c.REDIS_PREFIX }, 'redis configured');
  logger.log(
    {
      component: 'oidc',
      issuer: c.OIDC_ISSUER_URL,
      audience: c.OIDC_AUDIENCE,
      rotationDays: c.SIGNING_KEY_ROTATION_DAYS,
      keyEncryptionKey: c.KEY_ENCRYPTION_KEY,
    },
    'oidc issuer configured',
  );
  logger.log(
    {
      component: 'aws',
      region: c.AWS_REGION,
      stsEndpoint: c.AWS_ENDPOINT_URL_STS ?? 'aws',
      cloudControlEndpoint: c.AWS_ENDPOINT_URL_CLOUDCONTROL ?? 'aws',
      organizationsEndpoint: c.AWS_ENDPOINT_URL_ORGANIZATIONS ?? 'aws',
    },
    'aws configured',
  );
  logger.log({ component: 'metrics', path: '/metrics' }, 'metrics served');
}

/**
 * Listens and hands the end of the process to Nest's shutdown hooks: SIGTERM/SIGINT drain
 * gracefully (HttpDrainService: readyz 503, a short delay for load balancers, stop accepting,
 * finish in-flight requests, then close PostgreSQL and Redis) and exit 0; an unhandled rejection is
 * logged with its stack and ends the process the same way with exit 1.
 */
export async function serveApi(
  app: NestExpressApplication,
  config: AppConfig,
  port = config.PORT,
): Promise<Server> {
  const health = app.get(HealthService);
  // New requests on kept-alive connections during the drain are told to reconnect elsewhere.
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    if (health.draining) res.setHeader('connection', 'close');
    next();
  });
  exitThroughShutdownHooks(app, config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_TIMEOUT_MS + 5000);
  await app.listen(port, '0.0.0.0');
  const server = app.getHttpServer() as Server;
  logComponents(new Logger('api'), config, (server.address() as AddressInfo).port);
  return server;
}
