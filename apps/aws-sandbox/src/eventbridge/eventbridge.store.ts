// EventBridge state and routing: buses per (account, region) (the `default` bus always exists),
// their rules and targets, bus policies, and delivery of an event to every matching rule's targets:
// SQS queues (allowed only by the queue policy for events.amazonaws.com with aws:SourceArn) and
// event buses in other accounts or regions (through the target's role and the receiving bus policy).
import { randomUUID } from 'node:crypto';
import { AwsError } from '../contract';
import { evaluatePolicies } from '../iam/access';
import type { IamStore } from '../iam/iam.store';
import { parsePolicyDocument, type PolicyDocument } from '../iam/policy-document';
import type { SqsStore } from '../sqs/sqs.store';
import { matchesEventPattern, parseEventPattern, type EventPattern } from './event-pattern';

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface RuleTarget {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  SqsParameters?: { MessageGroupId?: string };
  [key: string]: unknown;
}

export interface Rule {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  busName: string;
  eventPatternText?: string;
  pattern?: EventPattern;
  scheduleExpression?: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  roleArn?: string;
  targets: Map<string, RuleTarget>;
}

export interface EventBus {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  policy?: PolicyDocument;
  rules: Map<string, Rule>;
}

export interface Delivery {
  at: string;
  eventId: string;
  source: string;
  detailType: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  outcome: 'delivered' | 'denied' | 'no-such-target' | 'failed';
  reason?: string;
}

const MAX_DELIVERIES = 20_000;
const MAX_HOPS = 3;

export interface EventBridgeDeps {
  sqs: SqsStore;
  iam: IamStore;
  organizationIdOf: (accountId: string) => string | undefined;
}

export class EventBridgeStore {
  private readonly buses = new Map<string, EventBus>();
  /** What happened to each (event, rule, target), newest last (bounded). */
  readonly deliveries: Delivery[] = [];

  constructor(private readonly deps: EventBridgeDeps) {}

  /** A bus by name or ARN; the default bus is created on first use. */
  bus(accountId: string, region: string, nameOrArn = 'default', create = false): EventBus {
    let [acct, reg, name] = [accountId, region, nameOrArn || 'default'];
    if (name.startsWith('arn:')) {
      const parts = name.split(':');
      [reg, acct, name] = [parts[3], parts[4], parts[5].replace(/^event-bus\//, '')];
    }
    const k = `${reg}/${acct}/${name}`;
    let bus = this.buses.get(k);
    if (!bus && (name === 'default' || create)) {
      bus = {
        name,
        arn: `arn:aws:events:${reg}:${acct}:event-bus/${name}`,
        accountId: acct,
        region: reg,
        rules: new Map(),
      };
      this.buses.set(k, bus);
    }
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`, 400);
    return bus;
  }

  listBuses(accountId: string, region: string): EventBus[] {
    this.bus(accountId, region);
    return [...this.buses.values()].filter((b) => b.accountId === accountId && b.region === region);
  }

  deleteBus(bus: EventBus): void {
    if (bus.name === 'default')
      throw new AwsError('ValidationException', 'Cannot delete event bus default.', 400);
    this.buses.delete(`${bus.region}/${bus.accountId}/${bus.name}`);
  }

  rule(bus: EventBus, name: string): Rule {
    const r = bus.rules.get(name);
    if (!r)
      throw new AwsError(
        'ResourceNotFoundException',
        `Rule ${name} does not exist on EventBus ${bus.name}.`,
        400,
      );
    return r;
  }

  putRule(
    bus: EventBus,
    input: {
      name: string;
      eventPattern?: unknown;
      scheduleExpression?: string;
      state?: string;
      description?: string;
      roleArn?: string;
    },
  ): Rule {
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(input.name ?? ''))
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${input.name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
        400,
      );
    if (input.eventPattern === undefined && !input.scheduleExpression)
      throw new AwsError(
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
        400,
      );
    const pattern = input.eventPattern === undefined ? undefined : parseEventPattern(input.eventPattern);
    const state = (input.state ?? 'ENABLED') as Rule['state'];
    if (state !== 'ENABLED' && state !== 'DISABLED')
      throw new AwsError(
        'ValidationException',
        `Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
        400,
      );
    const existing = bus.rules.get(input.name);
    const rule: Rule = {
      name: input.name,
      arn: `arn:aws:events:${bus.region}:${bus.accountId}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${input.name}`,
      accountId: bus.accountId,
      region: bus.region,
      busName: bus.name,
      eventPatternText: pattern
        ? typeof input.eventPattern === 'string'
          ? input.eventPattern
          : JSON.stringify(input.eventPattern)
        : undefined,
      pattern,
      scheduleExpression: input.scheduleExpression,
      state,
      description: input.description,
      roleArn: input.roleArn,
      targets: existing?.targets ?? new Map(),
    };
    bus.rules.set(rule.name, rule);
    return rule;
  }

  deleteRule(bus: EventBus, name: string, force = false): void {
    const r = bus.rules.get(name);
    if (!r) return;
    if (r.targets.size && !force)
      throw new AwsError('ValidationException', "Rule can't be deleted since it has targets.", 400);
    bus.rules.delete(name);
  }

  /** Replaces the bus policy with a full document (PutPermission with Policy). */
  setPolicy(bus: EventBus, policy: string | object | undefined): void {
    bus.policy = policy === undefined ? undefined : parsePolicyDocument(policy, 'Policy');
  }

  /** Adds (or replaces) one statement by Sid. */
  addStatement(bus: EventBus, statement: Record<string, unknown>): void {
    const parsed = parsePolicyDocument({ Version: '2012-10-17', Statement: [statement] }, 'Policy')
      .Statement[0];
    const others = (bus.policy?.Statement ?? []).filter((s) => s.Sid !== parsed.Sid);
    bus.policy = { Version: '2012-10-17', Statement: [...others, parsed] };
  }

  removeStatement(bus: EventBus, sid: string): void {
    const before = bus.policy?.Statement ?? [];
    const after = before.filter((s) => s.Sid !== sid);
    if (after.length === before.length)
      throw new AwsError('ResourceNotFoundException', `Statement with the provided id does not exist.`, 400);
    bus.policy = after.length ? { Version: '2012-10-17', Statement: after } : undefined;
  }

  /** Routes one event on a bus to the targets of every enabled rule whose pattern matches. */
  route(bus: EventBus, event: BusEvent, hops = 0): void {
    for (const rule of bus.rules.values()) {
      if (rule.state !== 'ENABLED' || !rule.pattern || !matchesEventPattern(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) this.deliver(rule, target, event, hops);
    }
  }

  /** A fresh event as a bus would stamp it. */
  static event(input: Omit<BusEvent, 'version' | 'id' | 'time'> & { id?: string; time?: string }): BusEvent {
    return {
      version: '0',
      id: input.id ?? randomUUID(),
      'detail-type': input['detail-type'],
      source: input.source,
      account: input.account,
      time: input.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: input.region,
      resources: input.resources,
      detail: input.detail,
    };
  }

  reset(): void {
    this.buses.clear();
    this.deliveries.length = 0;
  }

  private deliver(rule: Rule, target: RuleTarget, event: BusEvent, hops: number): void {
    const record = (outcome: Delivery['outcome'], reason?: string) => {
      this.deliveries.push({
        at: new Date().toISOString(),
        eventId: event.id,
        source: event.source,
        detailType: event['detail-type'],
        ruleArn: rule.arn,
        targetId: target.Id,
        targetArn: target.Arn,
        outcome,
        ...(reason ? { reason } : {}),
      });
      if (this.deliveries.length > MAX_DELIVERIES * 1.1)
        this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERIES);
    };
    const service = target.Arn.split(':')[2];
    if (service === 'sqs') {
      const outcome = this.deps.sqs.deliverAsService(target.Arn, payload(target, event), {
        service: 'events.amazonaws.com',
        sourceArn: rule.arn,
        sourceAccount: rule.accountId,
        groupId: target.SqsParameters?.MessageGroupId,
        deduplicationId: event.id,
      });
      if (outcome === 'delivered') return record('delivered');
      if (outcome === 'no-such-queue') return record('no-such-target', `no queue ${target.Arn}`);
      return record(
        outcome,
        outcome === 'denied'
          ? 'the queue policy does not allow events.amazonaws.com to send from this rule'
          : undefined,
      );
    }
    if (service === 'events' && target.Arn.includes(':event-bus/')) {
      const reason = this.forwardDenied(rule, target);
      if (reason) return record('denied', reason);
      let dest: EventBus;
      try {
        dest = this.bus(rule.accountId, rule.region, target.Arn);
      } catch {
        return record('no-such-target', `no event bus ${target.Arn}`);
      }
      if (hops >= MAX_HOPS) return record('failed', 'too many bus-to-bus hops');
      record('delivered');
      this.route(dest, event, hops + 1);
      return;
    }
    record('failed', `targets of this kind are not supported by the sandbox: ${target.Arn}`);
  }

  /** Why a bus-to-bus delivery is refused (role and receiving bus policy), or undefined. */
  private forwardDenied(rule: Rule, target: RuleTarget): string | undefined {
    const [, , , region, accountId] = target.Arn.split(':');
    const crossAccount = accountId !== rule.accountId;
    if (!crossAccount && region === rule.region)
      return 'a rule cannot target its own region’s bus in the same account';
    if (!target.RoleArn) return 'cross-account and cross-region event bus targets need a RoleArn';
    const [roleAccount, roleName] = [target.RoleArn.split(':')[4], target.RoleArn.split('/').pop() ?? ''];
    const role = roleAccount === rule.accountId ? this.deps.iam.getRole(roleAccount, roleName) : undefined;
    if (!role) return `role ${target.RoleArn} does not exist in account ${rule.accountId}`;
    const trusts = role.trustPolicy.Statement.some(
      (s) =>
        s.Effect === 'Allow' && s.Principal !== '*' && s.Principal?.Service?.includes('events.amazonaws.com'),
    );
    if (!trusts) return `role ${target.RoleArn} does not trust events.amazonaws.com`;
    if (role.policies.length) {
      const decision = evaluatePolicies(
        role.policies.map((p) => p.parsed),
        { action: 'events:PutEvents', resource: target.Arn },
      );
      if (decision !== 'allow')
        return `role ${target.RoleArn} is not allowed events:PutEvents on ${target.Arn}`;
    }
    if (!crossAccount) return undefined;
    let dest: EventBus;
    try {
      dest = this.bus(rule.accountId, rule.region, target.Arn);
    } catch {
      return undefined; // reported as no-such-target
    }
    const decision = dest.policy
      ? evaluatePolicies(
          [dest.policy],
          {
            action: 'events:PutEvents',
            resource: dest.arn,
            context: {
              'aws:PrincipalAccount': rule.accountId,
              'aws:PrincipalArn': role.arn,
              'aws:PrincipalOrgID': this.deps.organizationIdOf(rule.accountId),
            },
          },
          { kind: 'aws', accountId: rule.accountId, arns: [role.arn] },
        )
      : 'none';
    return decision === 'allow'
      ? undefined
      : `the policy of ${dest.arn} does not allow account ${rule.accountId} to put events`;
  }
}

/** What a target receives: the event, or its `Input` / `InputPath`. */
function payload(target: RuleTarget, event: BusEvent): string {
  if (typeof target.Input === 'string') return target.Input;
  if (typeof target.InputPath === 'string') {
    let v: unknown = event;
    for (const part of target.InputPath.replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean))
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return JSON.stringify(v ?? null);
  }
  return JSON.stringify(event);
}
