import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { HttpDrainService } from './http-drain.service';

@Module({
  controllers: [HealthController],
  providers: [HealthService, HttpDrainService],
  exports: [HealthService],
})
export class HealthModule {}
