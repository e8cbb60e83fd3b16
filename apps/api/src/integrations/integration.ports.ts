import type { Onboarding, VerificationCheck } from '@tally/contract';
import type { Connection, SyncRun } from '@tally/db';

// The api's seams to the libs that do the AWS and pipeline work. IntegrationsModule binds them to
// @tally/onboarding, @tally/aws and @tally/sync; tests may bind their own.

export interface VerificationResult {
  status: 'active' | 'error' | 'insecure';
  checks: VerificationCheck[];
}

/** Renders what a customer needs to deploy a connection's stack. */
export interface OnboardingPort {
  /** The onboarding block: role ARN, stack parameters, template URL + quick-create link or a CLI command. */
  block(connection: Connection): Onboarding;
  /** The connection's CloudFormation template (YAML) with its parameter defaults filled in. */
  template(connection: Connection): string;
}

/** Assumes the connection's role, lists accounts (organizations) and runs the confused-deputy canary. */
export interface VerifierPort {
  verify(connection: Connection): Promise<VerificationResult>;
}

/** Requests a sync run; returns the queued or running one when there is one already. */
export interface SyncPort {
  requestRun(tenantId: string, connectionId: string, trigger: 'manual' | 'schedule'): Promise<SyncRun>;
}

export const ONBOARDING = Symbol('ONBOARDING');
export const VERIFIER = Symbol('VERIFIER');
export const SYNC = Symbol('SYNC');
