import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import { getResourceType, SUPPORTED_RESOURCE_TYPES } from '@tally/aws';
import {
  parseTemplate,
  CLOUD_CONTROL_ACTIONS,
  ORGANIZATION_ACTIONS,
  grantedActions,
  PATTERNS,
  TEMPLATE_FILES,
  FORWARDER_TEMPLATE_FILE,
  LIVE_EVENTS_QUEUE_ACTIONS,
  LIVE_EVENTS_READ_ACTIONS,
  LIVE_EVENT_SOURCES,
  liveEventNames,
  renderForwarderTemplate,
  renderTemplate,
} from '@tally/onboarding';
import { HANDLER_PERMISSIONS as SANDBOX_HANDLER_PERMISSIONS } from '../../apps/aws-sandbox/src/cloud';

type Obj = Record<string, any>;
const committed = (file: string) => readFileSync(join(repoRoot(), 'cloudformation', file), 'utf8');
const WRITE_ACTION =
  /^[\w-]+:(Create|Delete|Put|Update|Modify|Tag|Untag|Attach|Detach|Associate|Disassociate|Run|Start|Stop|Terminate|Reboot|Restore|Add|Remove|Set|Invoke|Pass|Enable|Disable|Register|Deregister|Promote|Publish|Replace|Reset|Revoke|Authorize|Cancel|Copy|Import|Upload|Send|Write)/i;

function policyActions(template: Obj, statementSids?: string[]): string[] {
  const policies = template.Resources.Role.Properties.Policies as Obj[];
  return policies.flatMap((p) =>
    (p.PolicyDocument.Statement as Obj[])
      .filter((s) => !statementSids || statementSids.includes(s.Sid))
      .flatMap((s) => s.Action as string[]),
  );
}

/** Actions of the role's inline policy and of every AWS::IAM::Policy attached to it. */
function roleActions(template: Obj): string[] {
  const attached = Object.values(template.Resources as Obj)
    .filter((r: Obj) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r: Obj) =>
      (r.Properties.PolicyDocument.Statement as Obj[]).flatMap((s) => s.Action as string[]),
    );
  return [...policyActions(template), ...attached];
}

/** What the `!Sub [.., { Key: Select/Split of Subject }]` naming gives for a subject (as CloudFormation evaluates it). */
function keyFromSubject(key: Obj, subject: string): string {
  const [index, split] = key['Fn::Select'];
  const [delimiter, inner] = split['Fn::Split'];
  const [innerIndex, innerSplit] = inner['Fn::Select'];
  assert.deepEqual(innerSplit, { 'Fn::Split': [':', { Ref: 'Subject' }] });
  return subject.split(':')[innerIndex].split(delimiter)[index];
}

describe('onboarding templates', () => {
  it('the committed files are exactly what libs/onboarding renders (regenerate with templates.cli.js)', () => {
    for (const [mode, file] of Object.entries(TEMPLATE_FILES)) {
      assert.equal(
        committed(file),
        renderTemplate(mode as 'account'),
        `cloudformation/${file} is out of date`,
      );
    }
    assert.equal(committed(FORWARDER_TEMPLATE_FILE), renderForwarderTemplate());
  });

  it('the StackSet deploys exactly the account template to the members', () => {
    const org = parseTemplate(committed(TEMPLATE_FILES.organization)) as Obj;
    const body = org.Resources.MemberStackSet.Properties.TemplateBody as string;
    assert.equal(body, committed(TEMPLATE_FILES.account));
    // The member's provider + role are the account template's; the management role differs only by the Organizations statement.
    const member = parseTemplate(body) as Obj;
    assert.deepEqual(member.Resources.OidcProvider, org.Resources.OidcProvider);
    const { Policies: memberPolicies, ...memberRole } = member.Resources.Role.Properties;
    const { Policies: mgmtPolicies, ...mgmtRole } = org.Resources.Role.Properties;
    assert.deepEqual(mgmtRole, memberRole);
    assert.deepEqual(
      policyActions(org).filter((a) => !(ORGANIZATION_ACTIONS as readonly string[]).includes(a)),
      policyActions(member),
    );
    assert.ok(memberPolicies && mgmtPolicies);
    // Same subject, audience, issuer and role name flow to the members.
    const passed = Object.fromEntries(
      (org.Resources.MemberStackSet.Properties.Parameters as Obj[]).map((p) => [
        p.ParameterKey,
        p.ParameterValue,
      ]),
    );
    for (const name of ['IssuerHost', 'Audience', 'Subject', 'RoleName'])
      assert.deepEqual(passed[name], { Ref: name });
  });

  it('grants Cloud Control reads plus every handler permission, and nothing that writes', () => {
    const account = parseTemplate(renderTemplate('account')) as Obj;
    const actions = roleActions(account);
    assert.deepEqual([...new Set(actions)].sort(), grantedActions('account').sort());
    for (const a of CLOUD_CONTROL_ACTIONS) assert.ok(actions.includes(a), a);
    for (const type of SUPPORTED_RESOURCE_TYPES) {
      const { list, read } = getResourceType(type).permissions;
      for (const a of [...list, ...read]) {
        assert.ok(
          actions.some((x) => x.toLowerCase() === a.toLowerCase()),
          `${type} needs ${a}`,
        );
      }
    }
    // Consuming the live-event queue deletes its messages: allowed only on that queue (its own policy).
    const queueActions = new Set<string>(LIVE_EVENTS_QUEUE_ACTIONS);
    const writes = actions.filter((a) => (WRITE_ACTION.test(a) && !queueActions.has(a)) || a.includes('*'));
    assert.deepEqual(writes, []);
    const queuePolicy = (account.Resources.Role.Properties.Policies as Obj[]).find(
      (p) => p.PolicyName === 'TallyLiveEventsQueue',
    )!;
    const subject =
      'tenant:11111111-2222-4333-8444-555555555555:connection:66666666-7777-4888-8999-000000000000';
    const scoped = (queuePolicy.PolicyDocument.Statement as Obj[]).map((s) => {
      const [arn, vars] = s.Resource['Fn::Sub'];
      return arn.replace('${Key}', keyFromSubject(vars.Key, subject));
    });
    assert.deepEqual(scoped, [
      'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:tally-events-66666666',
      'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:tally-events-66666666-dlq',
    ]);
    assert.deepEqual(queuePolicy.PolicyDocument.Statement[0].Action, [...LIVE_EVENTS_QUEUE_ACTIONS]);
    const elsewhere = (account.Resources.Role.Properties.Policies as Obj[])
      .filter((p) => p !== queuePolicy)
      .flatMap((p) => (p.PolicyDocument.Statement as Obj[]).flatMap((s) => s.Action as string[]));
    assert.ok(!elsewhere.some((a) => a.startsWith('sqs:')), 'queue actions only in the queue-scoped policy');
    for (const a of LIVE_EVENTS_READ_ACTIONS) assert.ok(policyActions(account).includes(a), a);
    const org = parseTemplate(renderTemplate('organization')) as Obj;
    assert.deepEqual(policyActions(org, ['OrganizationsRead']), [...ORGANIZATION_ACTIONS]);
    assert.ok(!JSON.stringify(org).includes('ReadOnlyAccess'));
  });

  it("covers the sandbox's Cloud Control handler permissions for every supported type", () => {
    const granted = new Set(grantedActions('account').map((a) => a.toLowerCase()));
    const sandboxTypes = Object.keys(SANDBOX_HANDLER_PERMISSIONS);
    assert.deepEqual([...sandboxTypes].sort(), [...SUPPORTED_RESOURCE_TYPES].sort());
    for (const type of sandboxTypes) {
      assert.ok(SUPPORTED_RESOURCE_TYPES.includes(type), `sandbox type ${type} is not supported here`);
      const { list, read } = (
        SANDBOX_HANDLER_PERMISSIONS as Record<string, { list: readonly string[]; read: readonly string[] }>
      )[type];
      for (const a of [...list, ...read])
        assert.ok(granted.has(a.toLowerCase()), `${type}: ${a} is not granted`);
    }
  });

  it('docs/onboarding.md explains every granted action', () => {
    const docs = readFileSync(join(repoRoot(), 'docs', 'onboarding.md'), 'utf8');
    for (const action of grantedActions('organization'))
      assert.ok(docs.includes(`\`${action}\``), `docs miss ${action}`);
  });

  it('live events: queue + DLQ with redrive and SSE, a queue policy scoped to the rule, the five sources with source', () => {
    const t = parseTemplate(renderTemplate('account')) as Obj;
    assert.equal(t.Parameters.EnableLiveEvents.Default, 'true');
    assert.equal(t.Parameters.CreateTrail.Default, 'false');
    const subject =
      'tenant:11111111-2222-4333-8444-555555555555:connection:66666666-7777-4888-8999-000000000000';
    const names = liveEventNames('66666666-7777-4888-8999-000000000000');
    const queue = t.Resources.EventsQueue;
    assert.equal(queue.Condition, 'LiveEvents');
    const [queueName, vars] = queue.Properties.QueueName['Fn::Sub'];
    assert.equal(queueName.replace('${Key}', keyFromSubject(vars.Key, subject)), names.queue);
    assert.equal(names.queue, 'tally-events-66666666');
    assert.equal(queue.Properties.SqsManagedSseEnabled, true);
    assert.deepEqual(queue.Properties.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    assert.ok(queue.Properties.VisibilityTimeout >= 60, 'longer than a message takes to process');
    assert.equal(t.Resources.EventsDeadLetterQueue.Properties.SqsManagedSseEnabled, true);
    const [statement] = t.Resources.EventsQueuePolicy.Properties.PolicyDocument.Statement;
    assert.deepEqual(statement.Principal, { Service: 'events.amazonaws.com' });
    assert.equal(statement.Action, 'sqs:SendMessage');
    assert.deepEqual(statement.Condition, {
      ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['EventsRule', 'Arn'] } },
    });
    const rule = t.Resources.EventsRule.Properties;
    assert.deepEqual(rule.EventPattern.source, [...LIVE_EVENT_SOURCES]);
    assert.deepEqual(rule.EventPattern['detail-type'], [
      'AWS API Call via CloudTrail',
      'EC2 Instance State-change Notification',
    ]);
    assert.deepEqual(rule.Targets, [
      { Id: 'tally-events-queue', Arn: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] } },
    ]);
    const trail = t.Resources.Trail;
    assert.equal(trail.Condition, 'Trail');
    assert.equal(trail.Properties.IsMultiRegionTrail, true);
    assert.equal(trail.Properties.IsLogging, true);
    assert.equal(t.Resources.TrailBucketPolicy.Condition, 'Trail');
    assert.ok(!t.Resources.EventsBusPolicy, 'a single account needs no bus policy');
  });

  it('organization: the bus policy admits the organization; members forward from every event region; members get no queue', () => {
    const org = parseTemplate(renderTemplate('organization')) as Obj;
    const policy = org.Resources.EventsBusPolicy.Properties.Statement;
    assert.equal(policy.Action, 'events:PutEvents');
    assert.deepEqual(policy.Condition, { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } });
    const forwarders = org.Resources.ForwarderStackSet;
    assert.equal(forwarders.Condition, 'LiveEvents');
    assert.equal(forwarders.Properties.PermissionModel, 'SERVICE_MANAGED');
    assert.deepEqual(forwarders.Properties.StackInstancesGroup[0].Regions, { Ref: 'EventRegions' });
    assert.equal(forwarders.Properties.TemplateBody, committed(FORWARDER_TEMPLATE_FILE));
    const passed = Object.fromEntries(
      (forwarders.Properties.Parameters as Obj[]).map((p) => [p.ParameterKey, p.ParameterValue]),
    );
    assert.deepEqual(passed, {
      Subject: { Ref: 'Subject' },
      HomeAccountId: { Ref: 'AWS::AccountId' },
      HomeRegion: { Ref: 'AWS::Region' },
    });
    const members = Object.fromEntries(
      (org.Resources.MemberStackSet.Properties.Parameters as Obj[]).map((p) => [
        p.ParameterKey,
        p.ParameterValue,
      ]),
    );
    assert.equal(members.EnableLiveEvents, 'false');
    assert.equal(members.CreateTrail, 'false');
    assert.equal(org.Resources.Trail.Properties.IsOrganizationTrail, true);
  });

  it('the forwarder targets the home bus with a role and never forwards the home region to itself', () => {
    const f = parseTemplate(renderForwarderTemplate()) as Obj;
    const rule = f.Resources.ForwarderRule;
    assert.equal(rule.Condition, 'Remote');
    assert.deepEqual(rule.Properties.EventPattern.source, [...LIVE_EVENT_SOURCES]);
    const [target] = rule.Properties.Targets;
    assert.deepEqual(target.RoleArn, { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] });
    assert.deepEqual(target.Arn['Fn::Join'][1].slice(2), [
      'events',
      { Ref: 'HomeRegion' },
      { Ref: 'HomeAccountId' },
      'event-bus/default',
    ]);
    const role = f.Resources.ForwarderRole.Properties;
    assert.deepEqual(role.Policies[0].PolicyDocument.Statement[0].Action, 'events:PutEvents');
    assert.deepEqual(role.AssumeRolePolicyDocument.Statement[0].Principal, {
      Service: 'events.amazonaws.com',
    });
    const remote = JSON.stringify(f.Conditions.Remote);
    assert.match(remote, /AWS::Region.*HomeRegion/);
    assert.match(remote, /AWS::AccountId.*HomeAccountId/);
  });

  it('the trust policy pins audience and the exact subject with StringEquals', () => {
    const account = parseTemplate(renderTemplate('account')) as Obj;
    const [text, vars] = account.Resources.Role.Properties.AssumeRolePolicyDocument['Fn::Sub'];
    const doc = JSON.parse(text);
    assert.equal(doc.Statement.length, 1);
    const s = doc.Statement[0];
    assert.equal(s.Action, 'sts:AssumeRoleWithWebIdentity');
    assert.equal(s.Principal.Federated, '${ProviderArn}');
    assert.deepEqual(s.Condition, {
      StringEquals: { '${IssuerHost}:aud': '${Audience}', '${IssuerHost}:sub': '${Subject}' },
    });
    assert.ok(vars.ProviderArn['Fn::If']);
    assert.equal(account.Resources.Role.Properties.MaxSessionDuration, 3600);
  });

  it('fills parameter defaults and rejects unknown parameters', () => {
    const subject =
      'tenant:11111111-2222-4333-8444-555555555555:connection:66666666-7777-4888-8999-000000000000';
    const yaml = renderTemplate('organization', {
      IssuerHost: 'tally.example.com',
      Subject: subject,
      OrganizationalUnitIds: 'r-ab12',
    });
    const t = parseTemplate(yaml) as Obj;
    assert.equal(t.Parameters.IssuerHost.Default, 'tally.example.com');
    assert.equal(t.Parameters.Subject.Default, subject);
    assert.equal(t.Parameters.OrganizationalUnitIds.Default, 'r-ab12');
    assert.equal(t.Parameters.RoleName.Default, 'TallyReadOnly');
    assert.throws(
      () => renderTemplate('account', { OrganizationalUnitIds: 'r-ab12' }),
      /no parameter OrganizationalUnitIds/,
    );
  });

  it('parameter patterns accept what Tally produces and refuse look-alikes', () => {
    const re = (p: string) => new RegExp(p);
    const subject =
      'tenant:11111111-2222-4333-8444-555555555555:connection:66666666-7777-4888-8999-000000000000';
    assert.ok(re(PATTERNS.subject).test(subject));
    assert.ok(!re(PATTERNS.subject).test(`${subject}x`));
    assert.ok(!re(PATTERNS.subject).test('tenant:*:connection:*'));
    for (const ok of ['tally.example.com', '127.0.0.1:3000', 'id.example.com/tally'])
      assert.ok(re(PATTERNS.issuerHost).test(ok), ok);
    for (const bad of ['https://tally.example.com', 'tally.example.com/', 'a b'])
      assert.ok(!re(PATTERNS.issuerHost).test(bad), bad);
    assert.ok(re(PATTERNS.roleName).test('TallyReadOnly'));
    assert.ok(!re(PATTERNS.roleName).test('bad/name'));
    for (const ok of ['r-ab12', 'ou-ab12-abcdefgh'])
      assert.ok(re(PATTERNS.organizationalUnitId).test(ok), ok);
    assert.ok(!re(PATTERNS.organizationalUnitId).test('123456789012'));
  });
});
