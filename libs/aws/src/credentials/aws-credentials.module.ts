import { Module } from '@nestjs/common';
import { MetricsModule } from '@tally/metrics';
import { OidcModule } from '@tally/oidc';
import { AwsClients } from '../clients/aws-clients';
import { AwsCredentialsService } from './aws-credentials.service';

/**
 * AwsCredentialsService and the SDK client factory for apps (ConfigModule, DbModule and JobsModule
 * must be imported by the app; MetricsModule comes with it).
 */
@Module({
  imports: [OidcModule, MetricsModule],
  providers: [AwsClients, AwsCredentialsService],
  exports: [AwsClients, AwsCredentialsService, OidcModule],
})
export class AwsCredentialsModule {}
