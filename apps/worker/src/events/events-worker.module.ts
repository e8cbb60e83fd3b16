import { Module } from '@nestjs/common';
import { EventsModule } from '@tally/events';
import { EventsQueueWorker } from './events-queue.worker';

/** Live events: leased queue consumers and the refresh processor. */
@Module({ imports: [EventsModule], providers: [EventsQueueWorker], exports: [EventsQueueWorker] })
export class EventsWorkerModule {}
