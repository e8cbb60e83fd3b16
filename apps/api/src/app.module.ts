import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { httpLoggerParams } from '@tally/common';
import { ConfigModule, type AppConfig } from '@tally/config';
import { DbModule } from '@tally/db';
import { JobsModule } from '@tally/jobs';
import { HealthModule } from './health/health.module';

export interface ApiOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: NodeJS.WritableStream;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: ApiOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(httpLoggerParams(config.LOG_LEVEL, options.logDestination)),
        DbModule,
        JobsModule,
        HealthModule,
      ],
    };
  }
}
