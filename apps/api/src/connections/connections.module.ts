import { Module } from '@nestjs/common';
import { TenancyModule } from '@tally/tenancy';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ConnectionVerificationService } from './connection-verification.service';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';

@Module({
  imports: [TenancyModule, IntegrationsModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService, ConnectionVerificationService],
})
export class ConnectionsModule {}
