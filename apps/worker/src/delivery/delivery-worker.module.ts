import { Module } from '@nestjs/common';
import { DeliveryModule } from '@tally/delivery';
import { DeliveryQueueWorker } from './delivery-queue.worker';
import { DeliveryWaker } from './delivery-waker';

/** Delivery processors and their wake-ups (ScheduleModule.forRoot() is registered by WorkerModule). */
@Module({
  imports: [DeliveryModule],
  providers: [DeliveryQueueWorker, DeliveryWaker],
  exports: [DeliveryQueueWorker, DeliveryWaker],
})
export class DeliveryWorkerModule {}
