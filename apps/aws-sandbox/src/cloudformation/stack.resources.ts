// The resource types the sandbox's CloudFormation can create: IAM OIDC providers and roles (through
// the IAM store, so STS sees them) and service-managed StackSets (deployed to the organization's
// active member accounts, never the management account, like SERVICE_MANAGED StackSets).
import { randomUUID } from 'node:crypto';
import { AwsError } from '../contract';
import type { IamStore } from '../iam/iam.store';
import { liveResourceHandlers, type LiveStores } from './stack.live-resources';
import type { ResourceOutputs, Value } from './template.intrinsics';
import { invalid } from './template.parse';

export interface StackInstance {
  accountId: string;
  region: string;
  stackName: string;
  status: 'CURRENT' | 'FAILED';
  reason?: string;
}

/** A resource a stack created: enough to answer Ref/GetAtt and to delete it. */
export interface CreatedResource {
  logicalId: string;
  type: string;
  physicalId: string;
  accountId: string;
  outputs: ResourceOutputs;
  /** StackSets: the member stacks. */
  instances?: StackInstance[];
  /** StackSets: what auto-deployment needs to deploy new member accounts. */
  stackSet?: {
    templateBody: string;
    parameters: Record<string, string>;
    regions: string[];
    autoDeploy: boolean;
    retainOnRemoval: boolean;
  };
}

export interface ResourceContext {
  accountId: string;
  region: string;
  stackName: string;
  logicalId: string;
  properties: Record<string, Value>;
}

export interface OrganizationView {
  managementAccountId: string;
  accounts: { id: string; status: string }[];
}

export interface ResourceDeps {
  iam: IamStore;
  /** SQS, EventBridge and CloudTrail (the live-events resource types); absent in IAM-only tests. */
  live?: LiveStores;
  organization: () => OrganizationView | null;
  /** Deploys a member stack; throws (after rolling it back) on failure. */
  deployStack(input: {
    accountId: string;
    region: string;
    stackName: string;
    templateBody: string;
    parameters: Record<string, string>;
  }): Promise<void>;
  deleteStack(accountId: string, stackName: string): Promise<void>;
}

interface ResourceHandler {
  properties: string[];
  required: string[];
  create(ctx: ResourceContext): Promise<Omit<CreatedResource, 'logicalId' | 'type' | 'accountId'>>;
  remove(resource: CreatedResource): Promise<void>;
}

/** Creates the handlers for every supported type, keyed by type name. */
export function resourceHandlers(deps: ResourceDeps): Record<string, ResourceHandler> {
  return {
    'AWS::IAM::OIDCProvider': oidcProvider(deps.iam),
    'AWS::IAM::Role': role(deps.iam),
    'AWS::CloudFormation::StackSet': stackSet(deps),
    ...(deps.live ? liveResourceHandlers(deps.live) : {}),
  };
}

function oidcProvider(iam: IamStore): ResourceHandler {
  return {
    properties: ['Url', 'ClientIdList', 'ThumbprintList', 'Tags'],
    required: [],
    async create({ accountId, properties: p }) {
      if (typeof p.Url !== 'string') throw invalid('Url is required');
      const arn = iam.createOidcProvider(accountId, {
        url: p.Url,
        clientIdList: strings(p.ClientIdList, 'ClientIdList'),
        thumbprintList: strings(p.ThumbprintList, 'ThumbprintList'),
        tags: tags(p.Tags),
      });
      return { physicalId: arn, outputs: { ref: arn, attributes: { Arn: arn } } };
    },
    async remove(r) {
      ignoreMissing(() => iam.deleteOidcProvider(r.physicalId));
    },
  };
}

function role(iam: IamStore): ResourceHandler {
  return {
    properties: [
      'RoleName',
      'AssumeRolePolicyDocument',
      'Policies',
      'MaxSessionDuration',
      'Path',
      'Tags',
      'Description',
      'ManagedPolicyArns',
      'PermissionsBoundary',
    ],
    required: ['AssumeRolePolicyDocument'],
    async create({ accountId, stackName, logicalId, properties: p }) {
      if (strings(p.ManagedPolicyArns, 'ManagedPolicyArns').length || p.PermissionsBoundary !== undefined) {
        throw invalid(
          'ManagedPolicyArns and PermissionsBoundary are not supported by the sandbox: use inline Policies',
        );
      }
      const roleName =
        typeof p.RoleName === 'string'
          ? p.RoleName
          : `${stackName}-${logicalId}-${randomUUID().slice(0, 8)}`.slice(0, 64);
      if (iam.getRole(accountId, roleName))
        throw new AwsError('AlreadyExists', `Role with name ${roleName} already exists.`, 409);
      const policies = (Array.isArray(p.Policies) ? p.Policies : []).map((x, i) => {
        const policy = x as Record<string, Value>;
        if (typeof policy?.PolicyName !== 'string' || !policy.PolicyDocument)
          throw invalid(`Policies[${i}] needs PolicyName and PolicyDocument`);
        return { policyName: policy.PolicyName, policyDocument: policy.PolicyDocument as string | object };
      });
      const arn = iam.putRole(accountId, {
        roleName,
        path: typeof p.Path === 'string' ? p.Path : undefined,
        assumeRolePolicyDocument: p.AssumeRolePolicyDocument as string | object,
        policies,
        maxSessionDuration: p.MaxSessionDuration === undefined ? undefined : Number(p.MaxSessionDuration),
        tags: tags(p.Tags),
        description: typeof p.Description === 'string' ? p.Description : undefined,
      });
      const roleId = iam.getRole(accountId, roleName)?.roleId ?? '';
      return { physicalId: roleName, outputs: { ref: roleName, attributes: { Arn: arn, RoleId: roleId } } };
    },
    async remove(r) {
      ignoreMissing(() => iam.deleteRole(r.accountId, r.physicalId));
    },
  };
}

function stackSet(deps: ResourceDeps): ResourceHandler {
  return {
    properties: [
      'StackSetName',
      'Description',
      'PermissionModel',
      'AutoDeployment',
      'CallAs',
      'Capabilities',
      'OperationPreferences',
      'Parameters',
      'StackInstancesGroup',
      'TemplateBody',
      'TemplateURL',
      'Tags',
      'ManagedExecution',
      'AdministrationRoleARN',
      'ExecutionRoleName',
    ],
    required: ['StackSetName', 'PermissionModel'],
    async create(ctx) {
      const p = ctx.properties;
      const name = String(p.StackSetName);
      const templateBody = checkStackSet(ctx, deps.organization());
      const parameters = Object.fromEntries(
        (Array.isArray(p.Parameters) ? p.Parameters : []).map((x) => {
          const { ParameterKey, ParameterValue } = x as Record<string, Value>;
          return [
            String(ParameterKey),
            Array.isArray(ParameterValue) ? ParameterValue.join(',') : String(ParameterValue),
          ];
        }),
      );
      const auto = (p.AutoDeployment ?? {}) as Record<string, Value>;
      const id = `${name}:${randomUUID()}`;
      const created: CreatedResource = {
        logicalId: ctx.logicalId,
        type: 'AWS::CloudFormation::StackSet',
        accountId: ctx.accountId,
        physicalId: id,
        outputs: { ref: id, attributes: { StackSetId: id } },
        instances: [],
        stackSet: {
          templateBody,
          parameters,
          regions: instanceRegions(p.StackInstancesGroup),
          autoDeploy: auto.Enabled === true || auto.Enabled === 'true',
          retainOnRemoval:
            auto.RetainStacksOnAccountRemoval === true || auto.RetainStacksOnAccountRemoval === 'true',
        },
      };
      const org = deps.organization()!;
      await deployInstances(
        deps,
        created,
        memberAccounts(org),
        toleratedFailures(p.OperationPreferences, memberAccounts(org).length),
      );
      return created;
    },
    async remove(r) {
      for (const instance of r.instances ?? []) {
        if (instance.status === 'CURRENT')
          await deps.deleteStack(instance.accountId, instance.stackName).catch(() => undefined);
      }
    },
  };
}

/** Deploys a StackSet's template to `accounts` (each region); throws when more fail than tolerated. */
export async function deployInstances(
  deps: ResourceDeps,
  set: CreatedResource,
  accounts: string[],
  tolerated = Infinity,
): Promise<void> {
  const s = set.stackSet!;
  const name = set.physicalId.split(':')[0];
  for (const accountId of accounts) {
    for (const region of s.regions) {
      const stackName = `StackSet-${name}-${randomUUID()}`;
      try {
        await deps.deployStack({
          accountId,
          region,
          stackName,
          templateBody: s.templateBody,
          parameters: s.parameters,
        });
        set.instances!.push({ accountId, region, stackName, status: 'CURRENT' });
      } catch (err) {
        set.instances!.push({
          accountId,
          region,
          stackName,
          status: 'FAILED',
          reason: (err as Error).message,
        });
      }
    }
  }
  const failed = set.instances!.filter((i) => i.status === 'FAILED');
  if (failed.length > tolerated) {
    await stackSet(deps).remove(set);
    throw invalid(
      `StackSet ${name}: ${failed.length} stack instance(s) failed: ${failed.map((f) => `${f.accountId}: ${f.reason}`).join('; ')}`,
    );
  }
}

/** The organization's ACTIVE accounts other than the management account. */
export function memberAccounts(org: OrganizationView): string[] {
  return org.accounts
    .filter((a) => a.status === 'ACTIVE' && a.id !== org.managementAccountId)
    .map((a) => a.id);
}

function checkStackSet(ctx: ResourceContext, org: OrganizationView | null): string {
  const p = ctx.properties;
  if (p.TemplateURL !== undefined)
    throw invalid('StackSet TemplateURL is not supported by the sandbox: use TemplateBody');
  if (typeof p.TemplateBody !== 'string') throw invalid('StackSet needs TemplateBody');
  if (p.PermissionModel !== 'SERVICE_MANAGED')
    throw invalid('The sandbox supports only PermissionModel SERVICE_MANAGED StackSets');
  if (!org)
    throw invalid(
      'StackSets with the SERVICE_MANAGED permission model need AWS Organizations: this account is in no organization',
    );
  const callAs = p.CallAs ?? 'SELF';
  if (callAs === 'SELF' && ctx.accountId !== org.managementAccountId) {
    throw invalid(
      `Account ${ctx.accountId} is not the organization's management account: deploy there, or use CallAs DELEGATED_ADMIN from a delegated administrator`,
    );
  }
  if (callAs === 'DELEGATED_ADMIN' && !org.accounts.some((a) => a.id === ctx.accountId)) {
    throw invalid(
      `Account ${ctx.accountId} is not a member of the organization and cannot be its delegated administrator`,
    );
  }
  if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN')
    throw invalid('CallAs must be SELF or DELEGATED_ADMIN');
  const caps = strings(p.Capabilities, 'Capabilities');
  if (
    /AWS::IAM::/.test(p.TemplateBody) &&
    !caps.some((c) => c === 'CAPABILITY_IAM' || c === 'CAPABILITY_NAMED_IAM')
  ) {
    throw new AwsError(
      'InsufficientCapabilitiesException',
      'Requires capabilities : [CAPABILITY_NAMED_IAM]',
      400,
    );
  }
  for (const group of Array.isArray(p.StackInstancesGroup) ? p.StackInstancesGroup : []) {
    const targets = ((group as Record<string, Value>).DeploymentTargets ?? {}) as Record<string, Value>;
    for (const ou of strings(targets.OrganizationalUnitIds, 'OrganizationalUnitIds')) {
      if (!/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(ou))
        throw invalid(`Invalid organizational unit id: ${ou}`);
    }
  }
  return p.TemplateBody;
}

function instanceRegions(groups: Value | undefined): string[] {
  const regions = (Array.isArray(groups) ? groups : []).flatMap((g) =>
    strings((g as Record<string, Value>).Regions, 'Regions'),
  );
  return [...new Set(regions)];
}

function toleratedFailures(prefs: Value | undefined, accounts: number): number {
  const p = (prefs ?? {}) as Record<string, Value>;
  if (p.FailureToleranceCount !== undefined) return Number(p.FailureToleranceCount);
  if (p.FailureTolerancePercentage !== undefined)
    return Math.floor((Number(p.FailureTolerancePercentage) / 100) * accounts);
  return 0;
}

function strings(v: Value | undefined, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid(`${what} must be a list of strings`);
  return v as string[];
}

function tags(v: Value | undefined): Record<string, string> {
  if (v === undefined) return {};
  if (!Array.isArray(v)) throw invalid('Tags must be a list of {Key, Value}');
  return Object.fromEntries(
    v.map((t) => [String((t as Record<string, Value>).Key), String((t as Record<string, Value>).Value)]),
  );
}

function ignoreMissing(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AwsError && err.code === 'NoSuchEntity')) throw err;
  }
}
