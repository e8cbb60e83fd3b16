import { Global, Module } from '@nestjs/common';
import { metrics, Metrics } from './metrics';
import { MetricsCollectors } from './metrics.collectors';

/**
 * Makes the process's `Metrics` injectable and plugs in the scrape-time readers (queue depth,
 * scheduler lag). Needs DbModule and JobsModule in the application.
 */
@Global()
@Module({
  providers: [{ provide: Metrics, useValue: metrics }, MetricsCollectors],
  exports: [Metrics],
})
export class MetricsModule {}
