// EventBridge over JSON 1.1 (`AWSEvents.<Op>`): rules, targets, buses and their policies, PutEvents.
import { AwsError, type CallContext, type JsonService } from '../contract';
import { combineDecisions, evaluatePolicies } from '../iam/access';
import { EventBridgeStore, type EventBus, type Rule, type RuleTarget } from './eventbridge.store';

type Input = Record<string, unknown>;

export class EventBridgeService implements JsonService {
  readonly signingName = 'events';
  readonly targetPrefix = 'AWSEvents';
  readonly contentType = 'application/x-amz-json-1.1';
  private readonly ops: Record<string, (i: Input, c: CallContext) => unknown>;

  constructor(private readonly store: EventBridgeStore) {
    this.ops = {
      PutRule: (i, c) => {
        const bus = this.busFor(i, c);
        const name = String(i.Name ?? '');
        this.allow(c, 'PutRule', ruleArn(bus, name));
        const rule = store.putRule(bus, {
          name,
          eventPattern: i.EventPattern,
          scheduleExpression: opt(i.ScheduleExpression),
          state: opt(i.State),
          description: opt(i.Description),
          roleArn: opt(i.RoleArn),
        });
        return { RuleArn: rule.arn };
      },
      DescribeRule: (i, c) => ruleView(this.rule(i, c, 'DescribeRule')),
      ListRules: (i, c) => {
        const bus = this.busFor(i, c);
        this.allow(c, 'ListRules', ruleArn(bus, '*'));
        const prefix = opt(i.NamePrefix) ?? '';
        return {
          Rules: [...bus.rules.values()]
            .filter((r) => r.name.startsWith(prefix))
            .sort((a, b) => a.name.localeCompare(b.name))
            .map(ruleView),
        };
      },
      DeleteRule: (i, c) => {
        const bus = this.busFor(i, c);
        this.allow(c, 'DeleteRule', ruleArn(bus, String(i.Name)));
        store.deleteRule(bus, String(i.Name), i.Force === true);
      },
      EnableRule: (i, c) => void (this.rule(i, c, 'EnableRule').state = 'ENABLED'),
      DisableRule: (i, c) => void (this.rule(i, c, 'DisableRule').state = 'DISABLED'),
      PutTargets: (i, c) => {
        const rule = this.rule(i, c, 'PutTargets', 'Rule');
        const targets = (i.Targets as RuleTarget[] | undefined) ?? [];
        if (!targets.length)
          throw validation(
            "Value '[]' at 'targets' failed to satisfy constraint: Member must have length greater than or equal to 1",
          );
        const ids = new Set([...rule.targets.keys(), ...targets.map((t) => t.Id)]);
        if (ids.size > 5)
          throw new AwsError(
            'LimitExceededException',
            `The requested resource exceeds the maximum number allowed.`,
            400,
          );
        for (const t of targets) {
          if (!t.Id || !t.Arn) throw validation('Target Id and Arn are required.');
          rule.targets.set(t.Id, { ...t });
        }
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
      ListTargetsByRule: (i, c) => ({
        Targets: [...this.rule(i, c, 'ListTargetsByRule', 'Rule').targets.values()],
      }),
      RemoveTargets: (i, c) => {
        const rule = this.rule(i, c, 'RemoveTargets', 'Rule');
        for (const id of (i.Ids as string[] | undefined) ?? []) rule.targets.delete(id);
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
      PutEvents: (i, c) => this.putEvents(i, c),
      PutPermission: (i, c) => {
        const bus = this.busFor(i, c);
        this.allow(c, 'PutPermission', bus.arn);
        if (typeof i.Policy === 'string') return void store.setPolicy(bus, i.Policy);
        const principal = String(i.Principal ?? '');
        const condition = i.Condition as { Type?: string; Key?: string; Value?: string } | undefined;
        if (!i.StatementId || !principal)
          throw validation('StatementId and Principal (or Policy) are required.');
        store.addStatement(bus, {
          Sid: i.StatementId,
          Effect: 'Allow',
          Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal}:root` },
          Action: i.Action ?? 'events:PutEvents',
          Resource: bus.arn,
          ...(condition?.Key
            ? { Condition: { [condition.Type ?? 'StringEquals']: { [condition.Key]: condition.Value } } }
            : {}),
        });
      },
      RemovePermission: (i, c) => {
        const bus = this.busFor(i, c);
        this.allow(c, 'RemovePermission', bus.arn);
        if (i.RemoveAllPermissions === true) return void store.setPolicy(bus, undefined);
        store.removeStatement(bus, String(i.StatementId ?? ''));
      },
      DescribeEventBus: (i, c) => {
        const bus = store.bus(c.accountId, c.region, opt(i.Name) ?? 'default');
        this.allow(c, 'DescribeEventBus', bus.arn);
        return {
          Name: bus.name,
          Arn: bus.arn,
          ...(bus.policy ? { Policy: JSON.stringify(bus.policy) } : {}),
        };
      },
      CreateEventBus: (i, c) => {
        const name = String(i.Name ?? '');
        if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(name) || name === 'default')
          throw validation(`Invalid event bus name ${name}`);
        const arn = `arn:aws:events:${c.region}:${c.accountId}:event-bus/${name}`;
        this.allow(c, 'CreateEventBus', arn);
        try {
          store.bus(c.accountId, c.region, name);
          throw new AwsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`, 400);
        } catch (err) {
          if ((err as AwsError).code !== 'ResourceNotFoundException') throw err;
        }
        return { EventBusArn: store.bus(c.accountId, c.region, name, true).arn };
      },
      DeleteEventBus: (i, c) => {
        const bus = store.bus(c.accountId, c.region, String(i.Name ?? ''));
        this.allow(c, 'DeleteEventBus', bus.arn);
        store.deleteBus(bus);
      },
      ListEventBuses: (_i, c) => ({
        EventBuses: store.listBuses(c.accountId, c.region).map((b) => ({
          Name: b.name,
          Arn: b.arn,
          ...(b.policy ? { Policy: JSON.stringify(b.policy) } : {}),
        })),
      }),
    };
  }

  async handle(operation: string, input: Input, ctx: CallContext): Promise<unknown> {
    const op = this.ops[operation];
    if (!op) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`, 400);
    return (await op(input, ctx)) ?? {};
  }

  private busFor(i: Input, c: CallContext): EventBus {
    return this.store.bus(c.accountId, c.region, opt(i.EventBusName) ?? 'default');
  }

  private rule(i: Input, c: CallContext, action: string, field = 'Name'): Rule {
    const bus = this.busFor(i, c);
    const name = String(i[field] ?? '');
    this.allow(c, action, ruleArn(bus, name));
    return this.store.rule(bus, name);
  }

  private allow(c: CallContext, action: string, resource: string): void {
    if (c.identityDecision(`events:${action}`, resource) === 'allow') return;
    throw new AwsError(
      'AccessDeniedException',
      `User: ${c.principalArn} is not authorized to perform: events:${action} on resource: ${resource} because no identity-based policy allows the events:${action} action`,
      400,
    );
  }

  private putEvents(i: Input, c: CallContext) {
    const entries = (i.Entries as Input[] | undefined) ?? [];
    if (!entries.length || entries.length > 10)
      throw validation(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1`,
      );
    const out = entries.map((e) => {
      try {
        return { EventId: this.putOne(e, c) };
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        return { ErrorCode: err.code, ErrorMessage: err.message };
      }
    });
    return { FailedEntryCount: out.filter((e) => 'ErrorCode' in e).length, Entries: out };
  }

  private putOne(e: Input, c: CallContext): string {
    const source = opt(e.Source);
    const detailType = opt(e.DetailType);
    if (!source)
      throw new AwsError(
        'InvalidArgument',
        'Parameter Source is not valid. Reason: Source is a required argument.',
      );
    if (!detailType)
      throw new AwsError(
        'InvalidArgument',
        'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      );
    if (source.startsWith('aws.'))
      throw new AwsError('NotAuthorizedForSourceException', `Not authorized for the source ${source}.`);
    let detail: unknown;
    try {
      detail = JSON.parse(opt(e.Detail) ?? '');
    } catch {
      throw new AwsError('MalformedDetail', 'Detail is malformed.');
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail))
      throw new AwsError('MalformedDetail', 'Detail is malformed.');
    const bus = this.store.bus(c.accountId, c.region, opt(e.EventBusName) ?? 'default');
    const identity = c.identityDecision('events:PutEvents', bus.arn);
    const resource = bus.policy
      ? evaluatePolicies(
          [bus.policy],
          {
            action: 'events:PutEvents',
            resource: bus.arn,
            context: { 'aws:PrincipalAccount': c.accountId, 'aws:PrincipalOrgID': c.organizationId },
          },
          { kind: 'aws', accountId: c.accountId, arns: [c.roleArn, c.principalArn] },
        )
      : 'none';
    if (!combineDecisions(identity, resource, bus.accountId === c.accountId))
      throw new AwsError(
        'AccessDeniedException',
        `User: ${c.principalArn} is not authorized to perform: events:PutEvents on resource: ${bus.arn}`,
      );
    const time =
      e.Time === undefined
        ? undefined
        : new Date(Number(e.Time) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const event = EventBridgeStore.event({
      'detail-type': detailType,
      source,
      account: c.accountId,
      region: c.region,
      resources: (e.Resources as string[] | undefined) ?? [],
      detail: detail as Record<string, unknown>,
      time,
    });
    this.store.route(bus, event);
    return event.id;
  }
}

function ruleArn(bus: EventBus, name: string): string {
  return `arn:aws:events:${bus.region}:${bus.accountId}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${name}`;
}

function ruleView(r: Rule) {
  return {
    Name: r.name,
    Arn: r.arn,
    State: r.state,
    EventBusName: r.busName,
    CreatedBy: r.accountId,
    ...(r.eventPatternText ? { EventPattern: r.eventPatternText } : {}),
    ...(r.scheduleExpression ? { ScheduleExpression: r.scheduleExpression } : {}),
    ...(r.description ? { Description: r.description } : {}),
    ...(r.roleArn ? { RoleArn: r.roleArn } : {}),
  };
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

function opt(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
