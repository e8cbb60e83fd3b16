import { Module } from '@nestjs/common';
import { DeliveryModule } from '@tally/delivery';
import { TenancyModule } from '@tally/tenancy';
import { MappingsModule } from '../mappings/mappings.module';
import { DestinationsController } from './destinations.controller';

@Module({
  imports: [DeliveryModule, TenancyModule, MappingsModule],
  controllers: [DestinationsController],
})
export class DestinationsModule {}
