import { Module } from '@nestjs/common';
import { DeliveryModule } from '@tally/delivery';
import { ChangesController } from './changes.controller';

@Module({ imports: [DeliveryModule], controllers: [ChangesController] })
export class ChangesModule {}
