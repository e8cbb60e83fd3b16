import { Module } from '@nestjs/common';
import { SigningKeyRotationJob } from './signing-key-rotation.job';

/** The scheduled signing-key rotation (needs ScheduleModule.forRoot() in the app). */
@Module({ providers: [SigningKeyRotationJob] })
export class SigningKeyRotationModule {}
