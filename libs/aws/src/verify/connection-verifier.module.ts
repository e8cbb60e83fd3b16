import { Module } from '@nestjs/common';
import { AwsCredentialsModule } from '../credentials/aws-credentials.module';
import { ConnectionVerifier } from './connection-verifier';
import { LiveEventsCoverageVerifier } from './live-events-coverage';

/** ConnectionVerifier for the api (ConfigModule and DbModule must be imported by the app). */
@Module({
  imports: [AwsCredentialsModule],
  providers: [ConnectionVerifier, LiveEventsCoverageVerifier],
  exports: [ConnectionVerifier, LiveEventsCoverageVerifier],
})
export class ConnectionVerifierModule {}
