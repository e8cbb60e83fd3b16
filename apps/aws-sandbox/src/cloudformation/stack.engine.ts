// Deploys CloudFormation templates into sandbox accounts: resolves parameters and conditions, creates
// resources in dependency order, rolls back on failure (as CloudFormation does), and deletes what a
// stack created. State lives in memory beside the IAM store it writes to.
import { randomUUID } from 'node:crypto';
import { AwsError } from '../contract';
import {
  deployInstances,
  memberAccounts,
  resourceHandlers,
  type CreatedResource,
  type ResourceDeps,
  type StackInstance,
} from './stack.resources';
import {
  NO_VALUE,
  evaluate,
  evaluateCondition,
  referencedResources,
  type EvalScope,
  type Value,
} from './template.intrinsics';
import { parameterValues, resolveParameters, type ParameterInput } from './template.parameters';
import { invalid, parseTemplateBody, type Json, type JsonObject } from './template.parse';

export interface DeployInput {
  accountId: string;
  stackName: string;
  templateBody: unknown;
  parameters?: ParameterInput;
  region?: string;
}

export interface Stack {
  stackId: string;
  stackName: string;
  accountId: string;
  region: string;
  status: 'CREATE_COMPLETE';
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  resources: { logicalId: string; type: string; physicalId: string; instances?: StackInstance[] }[];
  createdAt: string;
}

interface StackState {
  stack: Omit<Stack, 'resources'>;
  created: CreatedResource[];
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const ACCOUNT_ID = /^\d{12}$/;
const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Resources',
  'Outputs',
]);

/** The sandbox's CloudFormation: stacks per account, resources created through the IAM store. */
export class StackEngine {
  private readonly stacks = new Map<string, StackState>();
  private readonly handlers;
  private readonly deps: ResourceDeps;

  constructor(deps: Pick<ResourceDeps, 'iam' | 'organization' | 'live'>) {
    this.deps = {
      ...deps,
      deployStack: async (input) => void (await this.deploy(input)),
      deleteStack: async (accountId, stackName) => void (await this.delete(accountId, stackName)),
    };
    this.handlers = resourceHandlers(this.deps);
  }

  /** Creates a stack; on any failure deletes what it created and throws a 400 naming the cause. */
  async deploy(input: DeployInput): Promise<Stack> {
    const { accountId, stackName } = input;
    if (!ACCOUNT_ID.test(String(accountId ?? '')))
      throw invalid(`accountId must be 12 digits, got ${String(accountId)}`);
    if (!STACK_NAME.test(String(stackName ?? ''))) throw invalid(`stackName must match ${STACK_NAME.source}`);
    if (this.stacks.has(key(accountId, stackName))) {
      throw new AwsError('AlreadyExistsException', `Stack [${stackName}] already exists`, 400);
    }
    const template = parseTemplateBody(input.templateBody);
    const region = input.region ?? 'us-east-1';
    const stackId = `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`;
    const { scope, order, parameters } = this.prepare(template, input, region, stackId);
    const created: CreatedResource[] = [];
    const byId = new Map<string, CreatedResource>();
    scope.resource = (id) => byId.get(id)?.outputs;
    for (const logicalId of order) {
      const spec = (template.Resources as JsonObject)[logicalId] as JsonObject;
      if (typeof spec.Condition === 'string' && !scope.condition(spec.Condition)) continue;
      try {
        const resource = await this.create(accountId, region, stackName, logicalId, spec, scope);
        created.push(resource);
        byId.set(logicalId, resource);
      } catch (err) {
        await this.rollback(created);
        const reason = err instanceof AwsError ? err.message : String(err);
        throw invalid(
          `Stack ${stackName} failed and was rolled back: ${logicalId} (${String(spec.Type)}): ${reason}`,
        );
      }
    }
    const outputs = this.outputs(template, scope);
    const stack = {
      stackId,
      stackName,
      accountId,
      region,
      status: 'CREATE_COMPLETE' as const,
      parameters,
      outputs,
      createdAt: new Date().toISOString(),
    };
    this.stacks.set(key(accountId, stackName), { stack, created });
    return view({ stack, created });
  }

  /** Deletes a stack and everything it created (StackSets: their member stacks too). */
  async delete(accountId: string, stackName: string): Promise<Stack> {
    const state = this.stacks.get(key(accountId, stackName));
    if (!state)
      throw new AwsError(
        'ValidationError',
        `Stack with id ${stackName} does not exist in account ${accountId}`,
        404,
      );
    this.stacks.delete(key(accountId, stackName));
    await this.rollback(state.created);
    return view(state);
  }

  /** Forgets every stack (the IAM store is reset separately). */
  reset(): void {
    this.stacks.clear();
  }

  /**
   * Drops stacks whose IAM resources were all removed behind the engine's back (a sandbox reset, or
   * the IAM control routes), so their names can be deployed again.
   */
  pruneStale(): void {
    const { iam } = this.deps;
    for (const [k, state] of this.stacks) {
      const iamResources = state.created.filter((r) => r.type.startsWith('AWS::IAM::'));
      const exists = (r: CreatedResource) =>
        r.type === 'AWS::IAM::Role'
          ? !!iam.getRole(r.accountId, r.physicalId)
          : !!iam.getOidcProvider(r.physicalId);
      if (iamResources.length && !iamResources.some(exists)) this.stacks.delete(k);
    }
  }

  list(accountId?: string): Stack[] {
    return [...this.stacks.values()].filter((s) => !accountId || s.stack.accountId === accountId).map(view);
  }

  /** Auto-deployment: StackSets reach new ACTIVE member accounts and leave accounts that left. */
  async reconcileStackSets(): Promise<void> {
    const org = this.deps.organization();
    if (!org) return;
    const members = memberAccounts(org);
    for (const state of [...this.stacks.values()]) {
      for (const set of state.created.filter((r) => r.stackSet?.autoDeploy)) {
        const deployed = new Set(set.instances!.map((i) => i.accountId));
        await deployInstances(
          this.deps,
          set,
          members.filter((a) => !deployed.has(a)),
        ).catch(() => undefined);
        if (set.stackSet!.retainOnRemoval) continue;
        for (const gone of set.instances!.filter((i) => !members.includes(i.accountId))) {
          if (gone.status === 'CURRENT')
            await this.delete(gone.accountId, gone.stackName).catch(() => undefined);
        }
        set.instances = set.instances!.filter((i) => members.includes(i.accountId));
      }
    }
  }

  private prepare(template: JsonObject, input: DeployInput, region: string, stackId: string) {
    const extra = Object.keys(template).filter((k) => !TOP_LEVEL.has(k));
    if (extra.includes('Transform')) throw invalid('Transforms are not supported by the sandbox');
    if (extra.length)
      throw invalid(`Template format error: unsupported top-level sections [${extra.join(', ')}]`);
    const resources = template.Resources;
    if (
      !resources ||
      typeof resources !== 'object' ||
      Array.isArray(resources) ||
      !Object.keys(resources).length
    ) {
      throw invalid('Template format error: At least one Resources member must be defined.');
    }
    const declared = (template.Parameters ?? {}) as JsonObject;
    const resolved = resolveParameters(declared, parameterValues(input.parameters));
    const refs = new Map<string, string | string[]>(resolved);
    for (const [k, v] of Object.entries({
      'AWS::AccountId': input.accountId,
      'AWS::Region': region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': input.stackName,
      'AWS::StackId': stackId,
    }))
      refs.set(k, v);
    refs.set('AWS::NotificationARNs', []);
    const scope = this.scope(template, refs, region);
    const parameters = Object.fromEntries(
      [...resolved].map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    return { scope, order: this.order(resources as JsonObject, scope), parameters };
  }

  private scope(template: JsonObject, refs: Map<string, string | string[]>, region: string): EvalScope {
    const conditions = (template.Conditions ?? {}) as JsonObject;
    const resources = template.Resources as JsonObject;
    const cache = new Map<string, boolean>();
    const evaluating = new Set<string>();
    const scope: EvalScope = {
      refs,
      region,
      mappings: (template.Mappings ?? {}) as JsonObject,
      isResource: (id) => Object.hasOwn(resources, id),
      resource: () => undefined,
      condition(name) {
        if (cache.has(name)) return cache.get(name)!;
        if (!Object.hasOwn(conditions, name))
          throw invalid(`Template format error: Unresolved condition dependency ${name}`);
        if (evaluating.has(name)) throw invalid(`Template format error: circular condition ${name}`);
        evaluating.add(name);
        const value = evaluateCondition(conditions[name], scope);
        evaluating.delete(name);
        cache.set(name, value);
        return value;
      },
    };
    for (const name of Object.keys(conditions)) scope.condition(name); // fail fast, like CloudFormation
    return scope;
  }

  /** Resources in dependency order (Ref, GetAtt, Sub, DependsOn); a cycle is a template error. */
  private order(resources: JsonObject, scope: EvalScope): string[] {
    const deps = new Map<string, Set<string>>();
    for (const [id, spec] of Object.entries(resources)) {
      const s = spec as JsonObject;
      if (!s || typeof s !== 'object' || typeof s.Type !== 'string')
        throw invalid(`Template format error: resource ${id} needs a Type`);
      const set = referencedResources((s.Properties ?? {}) as Json, scope.isResource);
      for (const d of [s.DependsOn ?? []].flat()) {
        if (typeof d !== 'string' || !scope.isResource(d))
          throw invalid(
            `Template format error: Unresolved resource dependencies [${String(d)}] in DependsOn of ${id}`,
          );
        set.add(d);
      }
      deps.set(id, set);
    }
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string) => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting')
        throw invalid(`Template format error: Circular dependency between resources including ${id}`);
      state.set(id, 'visiting');
      for (const d of deps.get(id)!) visit(d);
      state.set(id, 'done');
      order.push(id);
    };
    for (const id of deps.keys()) visit(id);
    return order;
  }

  private async create(
    accountId: string,
    region: string,
    stackName: string,
    logicalId: string,
    spec: JsonObject,
    scope: EvalScope,
  ) {
    const type = String(spec.Type);
    const handler = this.handlers[type];
    if (!handler) {
      throw invalid(
        `Resource type ${type} is not supported by the sandbox (supported: ${Object.keys(this.handlers).join(', ')})`,
      );
    }
    const properties = evaluate((spec.Properties ?? {}) as Json, scope);
    if (
      properties === NO_VALUE ||
      !properties ||
      typeof properties !== 'object' ||
      Array.isArray(properties)
    ) {
      throw invalid('Properties must be a mapping');
    }
    const props = properties as Record<string, Value>;
    const unknown = Object.keys(props).filter((k) => !handler.properties.includes(k));
    if (unknown.length)
      throw invalid(`Encountered unsupported properties in {${type}}: [${unknown.join(', ')}]`);
    const missing = handler.required.filter((k) => props[k] === undefined);
    if (missing.length)
      throw invalid(`Properties validation failed: required key [${missing.join(', ')}] not found`);
    const made = await handler.create({ accountId, region, stackName, logicalId, properties: props });
    return { ...made, logicalId, type, accountId } as CreatedResource;
  }

  private outputs(template: JsonObject, scope: EvalScope): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, spec] of Object.entries((template.Outputs ?? {}) as JsonObject)) {
      const o = spec as JsonObject;
      if (typeof o.Condition === 'string' && !scope.condition(o.Condition)) continue;
      const value = evaluate(o.Value, scope);
      out[name] = Array.isArray(value) ? value.join(',') : String(value);
    }
    return out;
  }

  private async rollback(created: CreatedResource[]): Promise<void> {
    for (const r of [...created].reverse()) await this.handlers[r.type].remove(r);
  }
}

function key(accountId: string, stackName: string): string {
  return `${accountId}/${stackName}`;
}

function view(state: StackState): Stack {
  return {
    ...state.stack,
    resources: state.created.map((r) => ({
      logicalId: r.logicalId,
      type: r.type,
      physicalId: r.physicalId,
      ...(r.instances ? { instances: r.instances.map((i) => ({ ...i })) } : {}),
    })),
  };
}
