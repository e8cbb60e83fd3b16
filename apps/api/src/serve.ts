import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@tally/config';
import { redactedConfig } from '@tally/config';
import { HealthService } from './health/health.service';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Builds the app while keeping Nest's own signal listeners out: Nest's shutdown runs the destroy
 * hooks (closing PostgreSQL) before it stops the HTTP server, which would fail in-flight requests.
 * serveApi installs the ordered shutdown instead.
 */
export async function withoutNestSignalHandlers<T>(build: () => Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const built = await build();
  for (const signal of SIGNALS) {
    for (const l of process.listeners(signal)) if (!before.get(signal)!.has(l)) process.off(signal, l);
  }
  return built;
}

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
 * Listens and owns the process from then on: SIGTERM/SIGINT drain gracefully (readyz 503, a short
 * delay for load balancers, stop accepting, finish in-flight requests, close), an unhandled
 * rejection is logged with its stack and ends the process (exit 1) rather than leaving it half alive.
 */
export async function serveApi(
  app: NestExpressApplication,
  config: AppConfig,
  port = config.PORT,
): Promise<Server> {
  const logger = new Logger('api');
  let draining = false;
  // New requests on kept-alive connections during the drain are told to reconnect elsewhere.
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    if (draining) res.setHeader('connection', 'close');
    next();
  });
  await app.listen(port, '0.0.0.0');
  const server = app.getHttpServer() as Server;
  logComponents(logger, config, (server.address() as AddressInfo).port);

  const shutdown = async (reason: string, code: number) => {
    if (draining) return;
    draining = true;
    const hardStop = setTimeout(
      () => {
        logger.error({ reason }, 'shutdown took too long; exiting');
        process.exit(1);
      },
      config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_TIMEOUT_MS + 5000,
    );
    hardStop.unref();
    logger.log({ reason, delayMs: config.SHUTDOWN_DELAY_MS }, 'draining: /readyz now answers 503');
    app.get(HealthService).beforeApplicationShutdown();
    await sleep(config.SHUTDOWN_DELAY_MS);
    logger.log('no longer accepting connections; waiting for in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const finished = await Promise.race([
      closed.then(() => true),
      sleep(config.SHUTDOWN_TIMEOUT_MS).then(() => false),
    ]);
    if (!finished) {
      logger.warn(
        { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
        'requests still running at the shutdown timeout; closing them',
      );
      server.closeAllConnections();
    }
    await app.close();
    logger.log('api stopped');
    process.exit(code);
  };
  for (const signal of SIGNALS) process.on(signal, () => void shutdown(signal, 0));
  process.on('unhandledRejection', (reason) => {
    logger.error(
      { err: reason, context: 'unhandledRejection' },
      'unhandled promise rejection; shutting down',
    );
    void shutdown('unhandledRejection', 1);
  });
  return server;
}
