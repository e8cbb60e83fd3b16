import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { MetricsModule } from '@tally/metrics';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';

/** GET /metrics and the HTTP request histogram for the api. */
@Module({ imports: [MetricsModule], controllers: [MetricsController], providers: [HttpMetricsMiddleware] })
export class ApiMetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
