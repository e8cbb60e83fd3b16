import { Module } from '@nestjs/common';
import { AwsCredentialsModule } from '../credentials/aws-credentials.module';
import { ConnectionVerifier } from './connection-verifier';

/** ConnectionVerifier for the api (ConfigModule and DbModule must be imported by the app). */
@Module({ imports: [AwsCredentialsModule], providers: [ConnectionVerifier], exports: [ConnectionVerifier] })
export class ConnectionVerifierModule {}
