import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { httpLoggerParams } from '@tally/common';
import { ConfigModule, type AppConfig } from '@tally/config';
import { DbModule } from '@tally/db';
import { JobsModule } from '@tally/jobs';
import { TenancyModule } from '@tally/tenancy';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ChangesModule } from './changes/changes.module';
import { RequireJsonBodyMiddleware } from './common/content-type.middleware';
import { ResponseSchemaInterceptor } from './common/response-schema.interceptor';
import { ConnectionsModule } from './connections/connections.module';
import { DestinationsModule } from './destinations/destinations.module';
import { HealthModule } from './health/health.module';
import { MappingsModule } from './mappings/mappings.module';
import { ResourcesModule } from './resources/resources.module';
import { SyncsModule } from './syncs/syncs.module';
import { TenantsModule } from './tenants/tenants.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { WellKnownModule } from './oidc/well-known.module';
import { ApiMetricsModule } from './metrics/metrics.module';

export interface ApiOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: NodeJS.WritableStream;
}

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequireJsonBodyMiddleware).forRoutes('*path');
  }

  static forRoot(config: AppConfig, options: ApiOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(httpLoggerParams(config.LOG_LEVEL, options.logDestination)),
        DbModule,
        JobsModule,
        HealthModule,
        TenancyModule,
        TenantsModule,
        ApiKeysModule,
        ConnectionsModule,
        SyncsModule,
        ResourcesModule,
        ChangesModule,
        DestinationsModule,
        MappingsModule,
        DashboardModule,
        WellKnownModule,
        ApiMetricsModule,
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ResponseSchemaInterceptor }],
    };
  }
}
