import { Module } from '@nestjs/common';
import { DeliveryModule } from '@tally/delivery';
import { TenancyModule } from '@tally/tenancy';
import { ChangesController } from './changes.controller';

@Module({ imports: [DeliveryModule, TenancyModule], controllers: [ChangesController] })
export class ChangesModule {}
