import { Module } from '@nestjs/common';
import { OidcModule } from '@tally/oidc';
import { AwsCredentialsService } from './aws-credentials.service';

/** AwsCredentialsService for apps (ConfigModule and DbModule must be imported by the app). */
@Module({
  imports: [OidcModule],
  providers: [AwsCredentialsService],
  exports: [AwsCredentialsService, OidcModule],
})
export class AwsCredentialsModule {}
