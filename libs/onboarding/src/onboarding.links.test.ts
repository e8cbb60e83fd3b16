import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roleArnFor } from '@tally/aws';
import { subjectFor } from '@tally/oidc';
import { PATTERNS, issuerHostOf } from './onboarding.parameters';
import { onboardingFor, stackNameFor } from './onboarding.links';

const connection = {
  id: '66666666-7777-4888-8999-000000000000',
  tenantId: '11111111-2222-4333-8444-555555555555',
  accountId: '123456789012',
  mode: 'account' as const,
};
const config = {
  OIDC_ISSUER_URL: 'https://tally.example.com',
  OIDC_AUDIENCE: 'sts.amazonaws.com',
  AWS_REGION: 'eu-west-1',
};

describe('onboardingFor', () => {
  it('derives role ARN and parameters from the connection and the configuration', () => {
    const o = onboardingFor(connection, config);
    assert.equal(o.roleArn, 'arn:aws:iam::123456789012:role/TallyReadOnly');
    assert.deepEqual(o.parameters, {
      IssuerHost: 'tally.example.com',
      Audience: 'sts.amazonaws.com',
      Subject: subjectFor(connection.tenantId, connection.id),
      RoleName: 'TallyReadOnly',
      CreateOidcProvider: 'true',
      EnableLiveEvents: 'true',
      CreateTrail: 'false',
    });
    assert.ok(new RegExp(PATTERNS.subject).test(o.parameters.Subject));
    assert.ok(new RegExp(PATTERNS.issuerHost).test(o.parameters.IssuerHost));
    assert.equal(o.templateFile, 'tally-account.yaml');
    assert.equal(o.stackName, stackNameFor(connection.id));
    assert.match(o.stackName, /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/);
    assert.equal(
      onboardingFor({ ...connection, roleName: 'Custom' }, config).roleArn,
      'arn:aws:iam::123456789012:role/Custom',
    );
  });

  it('shows the ARN Tally assumes (the same function), in the partition of the home region', () => {
    for (const [region, partition] of [
      ['cn-north-1', 'aws-cn'],
      ['us-gov-west-1', 'aws-us-gov'],
    ]) {
      const o = onboardingFor(connection, { ...config, AWS_REGION: region });
      assert.equal(o.roleArn, `arn:${partition}:iam::123456789012:role/TallyReadOnly`);
      assert.equal(o.roleArn, roleArnFor(connection.accountId, 'TallyReadOnly', region));
    }
  });

  it('without CFN_TEMPLATE_BASE_URL: no links, a ready-to-paste aws cloudformation deploy command', () => {
    const o = onboardingFor(connection, config);
    assert.equal(o.templateUrl, undefined);
    assert.equal(o.quickCreateUrl, undefined);
    const cmd = o.cliCommand.replace(/\\\n\s*/g, '');
    assert.match(
      cmd,
      /^aws cloudformation deploy --region eu-west-1 --stack-name tally-[0-9a-f]{12} --template-file tally-account\.yaml --capabilities CAPABILITY_NAMED_IAM --parameter-overrides /,
    );
    for (const [k, v] of Object.entries(o.parameters)) assert.ok(cmd.includes(`${k}=${v}`), `${k} in ${cmd}`);
  });

  it('with CFN_TEMPLATE_BASE_URL: the template URL and a console quick-create link', () => {
    const o = onboardingFor(connection, {
      ...config,
      CFN_TEMPLATE_BASE_URL: 'https://tally-templates.s3.amazonaws.com/v1/',
    });
    assert.equal(o.templateUrl, 'https://tally-templates.s3.amazonaws.com/v1/tally-account.yaml');
    const url = new URL(o.quickCreateUrl!);
    assert.equal(url.origin + url.pathname, 'https://console.aws.amazon.com/cloudformation/home');
    assert.equal(url.searchParams.get('region'), 'eu-west-1');
    const [route, query] = url.hash.slice(1).split('?');
    assert.equal(route, '/stacks/quickcreate');
    const q = new URLSearchParams(query);
    assert.equal(q.get('templateURL'), o.templateUrl);
    assert.equal(q.get('stackName'), o.stackName);
    assert.equal(q.get('param_Subject'), o.parameters.Subject);
    assert.equal(q.get('param_IssuerHost'), 'tally.example.com');
    assert.equal(q.get('param_RoleName'), 'TallyReadOnly');
  });

  it('organization mode: the organization template, its extra parameters, the root looked up in the CLI command', () => {
    const o = onboardingFor({ ...connection, mode: 'organization' }, config);
    assert.equal(o.templateFile, 'tally-organization.yaml');
    assert.equal(o.parameters.CallAs, 'SELF');
    assert.equal(o.parameters.MembersCreateOidcProvider, 'true');
    assert.match(
      o.cliCommand,
      /OrganizationalUnitIds=\$\(aws organizations list-roots --query 'Roots\[0\]\.Id' --output text\)/,
    );
  });

  it('the stack goes to the home region (default: the first of regions); forwarders cover the other regions', () => {
    const regions = ['eu-central-1', 'us-east-1', 'ap-south-1'];
    const first = onboardingFor({ ...connection, regions }, config);
    assert.equal(first.liveEvents.homeRegion, 'eu-central-1');
    assert.match(first.cliCommand, /--region eu-central-1 /);
    assert.equal(first.liveEvents.queueName, 'tally-events-66666666');
    assert.equal(first.liveEvents.deadLetterQueueName, 'tally-events-66666666-dlq');
    assert.equal(first.liveEvents.stackSetForwarders, undefined);
    const o = onboardingFor({ ...connection, regions, homeRegion: 'us-east-1' }, config);
    assert.equal(o.liveEvents.homeRegion, 'us-east-1');
    assert.deepEqual(
      o.liveEvents.manualForwarders.map((f) => [f.accountId, f.region]),
      [
        ['123456789012', 'eu-central-1'],
        ['123456789012', 'ap-south-1'],
      ],
    );
    const cmd = o.liveEvents.manualForwarders[0].cliCommand.replace(/\\\n\s*/g, '');
    assert.match(cmd, /--region eu-central-1 .*--template-file tally-events-forwarder\.yaml/);
    assert.ok(cmd.includes('HomeRegion=us-east-1') && cmd.includes('HomeAccountId=123456789012'), cmd);
    const off = onboardingFor({ ...connection, regions, liveEvents: false }, config);
    assert.equal(off.parameters.EnableLiveEvents, 'false');
    assert.deepEqual(off.liveEvents.manualForwarders, []);
  });

  it('organization mode: the StackSet forwards every member account in every region; the management account forwards its other regions', () => {
    const o = onboardingFor(
      { ...connection, mode: 'organization', regions: ['us-east-1', 'eu-west-1'] },
      config,
    );
    assert.equal(o.parameters.EventRegions, 'us-east-1,eu-west-1');
    assert.deepEqual(o.liveEvents.stackSetForwarders, {
      accounts: 'every member account',
      regions: ['us-east-1', 'eu-west-1'],
    });
    assert.deepEqual(
      o.liveEvents.manualForwarders.map((f) => f.region),
      ['eu-west-1'],
    );
    assert.match(o.cliCommand, /OrganizationId=\$\(aws organizations describe-organization/);
  });

  it('the issuer host is the issuer URL without scheme', () => {
    assert.equal(issuerHostOf('http://127.0.0.1:3000'), '127.0.0.1:3000');
    assert.equal(issuerHostOf('https://id.example.com/tally'), 'id.example.com/tally');
  });
});
