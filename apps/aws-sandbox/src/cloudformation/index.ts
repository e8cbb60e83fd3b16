// The sandbox's CloudFormation: `/_sandbox/stacks` deploys templates (OIDC providers, roles,
// service-managed StackSets) into sandbox accounts through the IAM store, lists and deletes them.
import type { ControlRoutes } from '../contract';
import type { IamStore } from '../iam/iam.store';
import { StackEngine } from './stack.engine';
import { invalid } from './template.parse';
import type { LiveStores } from './stack.live-resources';

export { StackEngine, type Stack, type DeployInput } from './stack.engine';

/** What the stack routes need from the rest of the sandbox. */
export interface StackDeps {
  iam: IamStore;
  /** The organization (management account + member accounts), or null when none is loaded. */
  organization: () => { managementAccountId: string; accounts: { id: string; status: string }[] } | null;
  /** SQS, EventBridge and CloudTrail, for the live-events resource types. */
  live?: LiveStores;
}

/**
 * `POST /_sandbox/stacks` {accountId, stackName, templateBody, parameters?, region?} deploys a stack;
 * `GET /_sandbox/stacks?accountId=` lists stacks; `DELETE /_sandbox/stacks` {accountId, stackName}
 * (body or query) deletes one with everything it created; `POST /_sandbox/stacks/reconcile` runs
 * StackSet auto-deployment after organization changes.
 */
export function createStackRoutes(deps: StackDeps, engine = new StackEngine(deps)): ControlRoutes {
  return {
    'POST /_sandbox/stacks': async (body) => {
      const b = object(body);
      engine.pruneStale();
      await engine.reconcileStackSets();
      return engine.deploy({
        accountId: b.accountId as string,
        stackName: b.stackName as string,
        templateBody: b.templateBody,
        parameters: b.parameters as never,
        region: typeof b.region === 'string' ? b.region : undefined,
      });
    },
    'GET /_sandbox/stacks': async (_body, query) => {
      engine.pruneStale();
      await engine.reconcileStackSets();
      return { stacks: engine.list(query.get('accountId') ?? undefined) };
    },
    'DELETE /_sandbox/stacks': async (body, query) => {
      const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      const accountId = String(b.accountId ?? query.get('accountId') ?? '');
      const stackName = String(b.stackName ?? query.get('stackName') ?? '');
      if (!accountId || !stackName) throw invalid('accountId and stackName are required');
      engine.pruneStale();
      return engine.delete(accountId, stackName);
    },
    'POST /_sandbox/stacks/reconcile': async () => {
      await engine.reconcileStackSets();
      return { stacks: engine.list() };
    },
  };
}

function object(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw invalid('the body must be a JSON object');
  return body as Record<string, unknown>;
}
