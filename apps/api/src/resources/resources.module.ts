import { Module } from '@nestjs/common';
import { TenancyModule } from '@tally/tenancy';
import { ResourcesController } from './resources.controller';
import { ResourcesService } from './resources.service';

@Module({ imports: [TenancyModule], controllers: [ResourcesController], providers: [ResourcesService] })
export class ResourcesModule {}
