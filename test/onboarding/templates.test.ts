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

describe('onboarding templates', () => {
  it('the committed files are exactly what libs/onboarding renders (regenerate with templates.cli.js)', () => {
    for (const [mode, file] of Object.entries(TEMPLATE_FILES)) {
      assert.equal(
        committed(file),
        renderTemplate(mode as 'account'),
        `cloudformation/${file} is out of date`,
      );
    }
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
    const actions = policyActions(account);
    assert.deepEqual([...actions].sort(), grantedActions('account').sort());
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
    const writes = actions.filter((a) => WRITE_ACTION.test(a) || a.includes('*'));
    assert.deepEqual(writes, []);
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
