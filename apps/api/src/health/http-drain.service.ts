import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { HealthService } from './health.service';

/**
 * The api's part of Nest's shutdown. Before Nest closes the listener: /readyz answers 503 for
 * SHUTDOWN_DELAY_MS, so load balancers stop routing here. Nest then stops accepting connections
 * and waits for in-flight requests; those still running SHUTDOWN_TIMEOUT_MS later are cut. Only
 * after that do the onApplicationShutdown hooks close PostgreSQL and Redis. A close without a
 * signal (tests, tools) has no load balancer to wait for and skips the delay.
 */
@Injectable()
export class HttpDrainService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('api');
  private cut?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!signal || !server?.listening) return;
    this.health.draining = true;
    this.logger.log(
      { reason: signal, delayMs: this.config.SHUTDOWN_DELAY_MS },
      'draining: /readyz now answers 503',
    );
    await sleep(this.config.SHUTDOWN_DELAY_MS);
    this.logger.log('no longer accepting connections; waiting for in-flight requests');
    this.cut = setTimeout(() => {
      this.logger.warn(
        { timeoutMs: this.config.SHUTDOWN_TIMEOUT_MS },
        'requests still running at the shutdown timeout; closing them',
      );
      server.closeAllConnections();
    }, this.config.SHUTDOWN_TIMEOUT_MS).unref();
  }

  onApplicationShutdown(signal?: string): void {
    clearTimeout(this.cut);
    if (signal) this.logger.log('api stopped: listener closed, in-flight requests done');
  }
}
