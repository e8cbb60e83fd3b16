import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { httpLoggerParams } from '@tally/common';
import { ConfigModule, type AppConfig } from '@tally/config';
import { DbModule } from '@tally/db';
import { JobsModule } from '@tally/jobs';
import { MetricsModule } from '@tally/metrics';
import { DeliveryWorkerModule } from './delivery/delivery-worker.module';
import { EventsWorkerModule } from './events/events-worker.module';
import { SigningKeyRotationModule } from './signing-keys/signing-key-rotation.module';
import { SyncWorkerModule } from './sync/sync-worker.module';
import { WorkerHttp } from './worker-http';

export interface WorkerOptions {
  logDestination?: NodeJS.WritableStream;
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: WorkerOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(httpLoggerParams(config.LOG_LEVEL, options.logDestination)),
        DbModule,
        JobsModule,
        MetricsModule,
        ScheduleModule.forRoot(),
        SigningKeyRotationModule,
        SyncWorkerModule,
        DeliveryWorkerModule,
        EventsWorkerModule,
      ],
      providers: [WorkerHttp],
    };
  }
}
