import type { LiveEventsTarget } from '@tally/aws';
import { homeRegionOf, liveEventNames, onboardingFor, type OnboardingConfig } from '@tally/onboarding';

/** The stored connection fields coverage needs. */
export interface CoverageConnection {
  id: string;
  tenantId: string;
  accountId: string;
  mode: 'account' | 'organization';
  roleName: string;
  regions: string[];
  homeRegion: string | null;
}

/**
 * What LiveEventsCoverageVerifier checks for a connection: its accounts (organization: the active
 * members too) × regions, the stack's names, and the forwarder command of each gap.
 */
export function liveEventsTarget(
  connection: CoverageConnection,
  memberAccountIds: string[],
  config: OnboardingConfig,
): LiveEventsTarget {
  const names = liveEventNames(connection.id);
  const onboarding = onboardingFor(connection, config);
  const manual = new Map(
    onboarding.liveEvents.manualForwarders.map((f) => [`${f.accountId}/${f.region}`, f]),
  );
  const stackSet = `${onboarding.stackName}-forwarders`;
  return {
    tenantId: connection.tenantId,
    connectionId: connection.id,
    homeAccountId: connection.accountId,
    homeRegion: homeRegionOf(connection, config.AWS_REGION),
    roleName: connection.roleName,
    accountIds: [...new Set([connection.accountId, ...memberAccountIds])],
    regions: connection.regions,
    queueName: names.queue,
    homeRuleName: names.rule,
    forwarderRuleName: names.forwarderRule,
    forwarderFix: (accountId, region) =>
      manual.get(`${accountId}/${region}`)?.cliCommand ??
      `The StackSet ${stackSet} has no instance for account ${accountId} in ${region}: add one (CloudFormation → StackSets → ${stackSet} → Add stacks to StackSet), or update the Tally stack with ${region} in EventRegions.`,
  };
}
