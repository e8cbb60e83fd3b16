import { Module } from '@nestjs/common';
import { TenancyModule } from '@tally/tenancy';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ConnectionSyncsController, SyncRunsController } from './syncs.controller';
import { SyncsService } from './syncs.service';

@Module({
  imports: [TenancyModule, IntegrationsModule],
  controllers: [ConnectionSyncsController, SyncRunsController],
  providers: [SyncsService],
})
export class SyncsModule {}
