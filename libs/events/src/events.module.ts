import { Module } from '@nestjs/common';
import { AwsCredentialsModule } from '@tally/aws';
import { SyncModule } from '@tally/sync';
import { EventLeaseRepository } from './consumer/event-lease.repository';
import { LiveEventsSupervisor } from './consumer/live-events.supervisor';
import { ResourceRefreshRepository } from './refresh/resource-refresh.repository';
import { ResourceRefreshService } from './refresh/resource-refresh.service';

/** Live events for the worker: the leased consumers and the refreshes (needs the global Config, Db and Jobs modules). */
@Module({
  imports: [AwsCredentialsModule, SyncModule],
  providers: [EventLeaseRepository, LiveEventsSupervisor, ResourceRefreshRepository, ResourceRefreshService],
  exports: [LiveEventsSupervisor, ResourceRefreshService, EventLeaseRepository],
})
export class EventsModule {}
