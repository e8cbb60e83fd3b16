// Organizations and Cloud Control halves of the AWS sandbox. The server mounts `services` by their
// X-Amz-Target prefix (after SigV4) and `controlRoutes` under /_sandbox/.
import type { ControlRoutes, JsonService } from '../contract';
import { CloudControlService } from './cloudcontrol/cloudcontrol.service';
import {
  createControlRoutes,
  readNamedScenario,
  type ResourceChange,
  type RuntimeHolder,
} from './control/control.routes';
import { OrganizationsService } from './organizations/organizations.service';
import { createRuntime, parseScenario, type CloudRuntime } from './runtime';

export interface OrganizationView {
  managementAccountId: string;
  accounts: { id: string; status: string }[];
}

export interface CloudSandbox {
  services: JsonService[];
  controlRoutes: ControlRoutes;
  /** The organization as it is now (members only), or null for standalone accounts. */
  organization(): OrganizationView | null;
  /** The organization id of a member account (`aws:PrincipalOrgID`), or undefined. */
  organizationIdOf(accountId: string): string | undefined;
}

/** Used when no scenario is given: one standalone account, one region, no resources. */
const EMPTY_SCENARIO = { accounts: [{ id: '111111111111' }], regions: ['us-east-1'] };

/**
 * Builds the Organizations and Cloud Control services from a scenario: a scenario document, the
 * name of a file in apps/aws-sandbox/scenarios (e.g. `"demo"`), or nothing (an empty account).
 */
export function createCloudSandbox(
  options: { scenario?: unknown; onChange?: (change: ResourceChange) => void } = {},
): CloudSandbox {
  const doc =
    typeof options.scenario === 'string'
      ? readNamedScenario(options.scenario)
      : (options.scenario ?? EMPTY_SCENARIO);
  let runtime: CloudRuntime = createRuntime(parseScenario(doc));
  const holder: RuntimeHolder = { get: () => runtime, set: (next) => (runtime = next), initial: doc };
  return {
    services: [new CloudControlService(holder.get), new OrganizationsService(holder.get)],
    controlRoutes: createControlRoutes(holder, options.onChange),
    organization: () => {
      const org = runtime.state.organization;
      if (!org) return null;
      const accounts = runtime.state.organizationMembers().map((a) => ({ id: a.id, status: a.status }));
      return { managementAccountId: org.managementAccountId, accounts };
    },
    organizationIdOf: (accountId) => {
      const org = runtime.state.organization;
      return org && runtime.state.accounts.get(accountId)?.inOrganization ? org.id : undefined;
    },
  };
}

export { HANDLER_PERMISSIONS, RESOURCE_TYPE_NAMES, type ResourceTypeName } from './types';
export { scenarioSchema, type Scenario, type ScenarioInput } from './scenario/scenario.schema';
export type { TruthResource } from './control/truth';
export type { ResourceChange } from './control/control.routes';
