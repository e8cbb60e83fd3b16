import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsCollectors } from './metrics.collectors';

/**
 * Provides the application's `Metrics` (one registry per application, never a module-level
 * singleton) and plugs in the scrape-time readers (queue depth, scheduler lag). Needs DbModule and
 * JobsModule in the application.
 */
@Global()
@Module({
  providers: [{ provide: Metrics, useFactory: () => new Metrics() }, MetricsCollectors],
  exports: [Metrics],
})
export class MetricsModule {}
