import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import type { Connection } from '@tally/db';
import { ConnectionVerifier, ConnectionVerifierModule } from '@tally/aws';
import { onboardingFor, renderTemplate } from '@tally/onboarding';
import { SyncRunsModule, SyncRunsService } from '@tally/sync';
import {
  ONBOARDING,
  SYNC,
  VERIFIER,
  type OnboardingPort,
  type SyncPort,
  type VerifierPort,
} from './integration.ports';

function onboardingPort(config: AppConfig): OnboardingPort {
  return {
    block: (c: Connection) => onboardingFor(c, config),
    template: (c: Connection) => renderTemplate(c.mode, onboardingFor(c, config).parameters),
  };
}

/** Binds the api's ports to @tally/onboarding, @tally/aws (ConnectionVerifier) and @tally/sync (SyncRunsService). */
@Module({
  imports: [ConnectionVerifierModule, SyncRunsModule],
  providers: [
    { provide: ONBOARDING, useFactory: onboardingPort, inject: [APP_CONFIG] },
    {
      provide: VERIFIER,
      useFactory: (v: ConnectionVerifier): VerifierPort => v,
      inject: [ConnectionVerifier],
    },
    { provide: SYNC, useFactory: (s: SyncRunsService): SyncPort => s, inject: [SyncRunsService] },
  ],
  exports: [ONBOARDING, VERIFIER, SYNC],
})
export class IntegrationsModule {}
