import { Global, Module } from '@nestjs/common';
import { JobQueueService } from './job-queue.service';
import { JobRepairs } from './job-repair';
import { RedisPolicyCheck } from './redis-policy';

@Global()
@Module({
  providers: [JobQueueService, JobRepairs, RedisPolicyCheck],
  exports: [JobQueueService, JobRepairs],
})
export class JobsModule {}
