// The onboarding templates, built in code from one source: the organization template deploys the
// account template itself (as its StackSet's TemplateBody) to every member account, and adds the
// same provider + role (plus Organizations reads) for the management account.
import { equals, fnIf, getAtt, ref, sub, toYaml } from './cfn-yaml';
import {
  CLOUD_CONTROL_ACTIONS,
  LIVE_EVENTS_READ_ACTIONS,
  ORGANIZATION_ACTIONS,
  handlerActions,
} from './onboarding.permissions';
import {
  LIVE_EVENTS_CONDITION,
  forwarderTemplate,
  liveEventConditions,
  liveEventOutputs,
  liveEventParameters,
  liveEventQueuePolicy,
  liveEventResources,
} from './onboarding.live-events';
import {
  FORWARDER_PARAMETERS,
  DEFAULT_AUDIENCE,
  DEFAULT_ROLE_NAME,
  ORG_PARAMETERS,
  PARAMETERS,
  PATTERNS,
  type StackParameterValues,
} from './onboarding.parameters';

export type OnboardingMode = 'account' | 'organization';

/** The committed file of each mode, under cloudformation/. */
export const TEMPLATE_FILES: Record<OnboardingMode, string> = {
  account: 'tally-account.yaml',
  organization: 'tally-organization.yaml',
};

/** The live-event forwarder's committed file, under cloudformation/. */
export const FORWARDER_TEMPLATE_FILE = 'tally-events-forwarder.yaml';

const HEADER = [
  ' Generated from libs/onboarding/src/onboarding.templates.ts: do not edit by hand.',
  ' Regenerate: scripts/dev-build.sh <dir> && node <dir>/libs/onboarding/src/templates.cli.js',
].join('\n');

const TAGS = [{ Key: 'managed-by', Value: 'tally' }];
const PROVIDER_CONDITION = 'CreateProvider';
const MEMBERS_PROVIDER_CONDITION = 'MembersCreateProvider';

function accountParameters(): Record<string, unknown> {
  return {
    [PARAMETERS.issuerHost]: {
      Type: 'String',
      Description: "Tally's OIDC issuer: its URL without https:// (for example tally.example.com).",
      AllowedPattern: PATTERNS.issuerHost,
      ConstraintDescription: 'a host name with an optional port and path, without scheme or trailing slash',
    },
    [PARAMETERS.audience]: {
      Type: 'String',
      Description: 'The audience (aud) of the tokens Tally presents.',
      Default: DEFAULT_AUDIENCE,
      AllowedPattern: PATTERNS.audience,
      ConstraintDescription: '1-255 printable characters without spaces',
    },
    [PARAMETERS.subject]: {
      Type: 'String',
      Description:
        'The exact subject (sub) of your Tally connection; only tokens for it may assume the role.',
      AllowedPattern: PATTERNS.subject,
      ConstraintDescription: 'tenant:<uuid>:connection:<uuid>, exactly as Tally shows it',
    },
    [PARAMETERS.roleName]: {
      Type: 'String',
      Description: 'Name of the read-only role Tally assumes.',
      Default: DEFAULT_ROLE_NAME,
      AllowedPattern: PATTERNS.roleName,
      ConstraintDescription: "IAM's role name rules: 1-64 letters, digits and + = , . @ _ -",
    },
    [PARAMETERS.createOidcProvider]: {
      Type: 'String',
      Description:
        "Create the IAM OIDC provider for Tally's issuer. Choose false if this account already has one for the same URL.",
      Default: 'true',
      AllowedValues: ['true', 'false'],
    },
    ...liveEventParameters(),
  };
}

function organizationParameters(): Record<string, unknown> {
  return {
    ...accountParameters(),
    [ORG_PARAMETERS.organizationalUnitIds]: {
      Type: 'CommaDelimitedList',
      Description:
        'Where the member stacks go: your organization root id (r-…) for every account, or OU ids (ou-…).',
      AllowedPattern: PATTERNS.organizationalUnitId,
      ConstraintDescription:
        'root ids (r-xxxx) or organizational unit ids (ou-xxxx-xxxxxxxx), comma-separated',
    },
    [ORG_PARAMETERS.callAs]: {
      Type: 'String',
      Description:
        'SELF in the management account; DELEGATED_ADMIN when deploying from a delegated StackSets administrator.',
      Default: 'SELF',
      AllowedValues: ['SELF', 'DELEGATED_ADMIN'],
    },
    [ORG_PARAMETERS.membersCreateOidcProvider]: {
      Type: 'String',
      Description:
        'Create the OIDC provider in each member account (false if members already have one for this issuer).',
      Default: 'true',
      AllowedValues: ['true', 'false'],
    },
    [ORG_PARAMETERS.organizationId]: {
      Type: 'String',
      Description:
        "Your organization id (o-…): member accounts may forward live events to this account's event bus.",
      AllowedPattern: PATTERNS.organizationId,
      ConstraintDescription: 'an organization id such as o-a1b2c3d4e5',
    },
    [ORG_PARAMETERS.eventRegions]: {
      Type: 'CommaDelimitedList',
      Description:
        "The connection's regions: each member account gets a forwarding rule in each (live events only).",
      AllowedPattern: PATTERNS.region,
      ConstraintDescription: 'region names such as us-east-1, comma-separated',
    },
  };
}

/** The provider's ARN whether this stack creates it or reuses the account's existing one. */
function providerArn(): unknown {
  return fnIf(
    PROVIDER_CONDITION,
    ref('OidcProvider'),
    sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${IssuerHost}'),
  );
}

/** The trust policy as a !Sub JSON string: intrinsics are not allowed in JSON keys (`<host>:sub`). */
function trustPolicy(): unknown {
  const document = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TallyWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: '${ProviderArn}' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { '${IssuerHost}:aud': '${Audience}', '${IssuerHost}:sub': '${Subject}' },
        },
      },
    ],
  };
  return sub(`${JSON.stringify(document, null, 2)}\n`, { ProviderArn: providerArn() });
}

function readPolicy(mode: OnboardingMode): unknown {
  const statements: unknown[] = [
    { Sid: 'CloudControlRead', Effect: 'Allow', Action: [...CLOUD_CONTROL_ACTIONS], Resource: '*' },
    { Sid: 'ResourceHandlersRead', Effect: 'Allow', Action: handlerActions(), Resource: '*' },
    { Sid: 'LiveEventsCoverageRead', Effect: 'Allow', Action: [...LIVE_EVENTS_READ_ACTIONS], Resource: '*' },
  ];
  if (mode === 'organization') {
    statements.push({
      Sid: 'OrganizationsRead',
      Effect: 'Allow',
      Action: [...ORGANIZATION_ACTIONS],
      Resource: '*',
    });
  }
  return {
    PolicyName: 'TallyInventoryRead',
    PolicyDocument: { Version: '2012-10-17', Statement: statements },
  };
}

function providerAndRole(mode: OnboardingMode): Record<string, unknown> {
  return {
    OidcProvider: {
      Type: 'AWS::IAM::OIDCProvider',
      Condition: PROVIDER_CONDITION,
      Properties: { Url: sub('https://${IssuerHost}'), ClientIdList: [ref(PARAMETERS.audience)], Tags: TAGS },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: ref(PARAMETERS.roleName),
        Description: 'Read-only inventory access for Tally, assumed with OIDC web identity',
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: trustPolicy(),
        Policies: [readPolicy(mode), liveEventQueuePolicy()],
        Tags: TAGS,
      },
    },
  };
}

const OUTPUTS = {
  RoleArn: { Description: 'The role Tally assumes', Value: getAtt('Role', 'Arn') },
  OidcProviderArn: { Description: "The IAM OIDC provider for Tally's issuer", Value: providerArn() },
};

/** The single-account template (also every member account's template in organization mode). */
function accountTemplate(): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Tally: read-only inventory role assumed with OIDC web identity (single account)',
    Metadata: interfaceMetadata('account'),
    Parameters: accountParameters(),
    Conditions: {
      [PROVIDER_CONDITION]: equals(ref(PARAMETERS.createOidcProvider), 'true'),
      ...liveEventConditions(),
    },
    Resources: { ...providerAndRole('account'), ...liveEventResources('account') },
    Outputs: { ...OUTPUTS, ...liveEventOutputs() },
  };
}

/** The live-event forwarder (one region, or a member account, to the home region's bus). */
export { forwarderTemplate };

/** The organization template: the management account's provider + role and a StackSet for the members. */
function organizationTemplate(): Record<string, unknown> {
  const memberParameters: { ParameterKey: string; ParameterValue: unknown }[] = [
    PARAMETERS.issuerHost,
    PARAMETERS.audience,
    PARAMETERS.subject,
    PARAMETERS.roleName,
  ].map((name) => ({ ParameterKey: name, ParameterValue: ref(name) }));
  memberParameters.push(
    {
      ParameterKey: PARAMETERS.createOidcProvider,
      ParameterValue: ref(ORG_PARAMETERS.membersCreateOidcProvider),
    },
    // Members forward to this account's queue (the forwarder StackSet) and are logged by the
    // organization trail: their stacks create neither.
    { ParameterKey: PARAMETERS.enableLiveEvents, ParameterValue: 'false' },
    { ParameterKey: PARAMETERS.createTrail, ParameterValue: 'false' },
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Tally: read-only inventory roles for a whole AWS Organization (management account + StackSet)',
    Metadata: interfaceMetadata('organization'),
    Parameters: organizationParameters(),
    Conditions: {
      [PROVIDER_CONDITION]: equals(ref(PARAMETERS.createOidcProvider), 'true'),
      [MEMBERS_PROVIDER_CONDITION]: equals(ref(ORG_PARAMETERS.membersCreateOidcProvider), 'true'),
      ...liveEventConditions(),
    },
    Resources: {
      ...providerAndRole('organization'),
      ...liveEventResources('organization'),
      ForwarderStackSet: forwarderStackSet(),
      MemberStackSet: {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: sub('${AWS::StackName}-members'),
          Description: 'Tally read-only role (and OIDC provider) in every member account',
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          CallAs: ref(ORG_PARAMETERS.callAs),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          OperationPreferences: {
            FailureTolerancePercentage: 100,
            MaxConcurrentPercentage: 100,
            RegionConcurrencyType: 'PARALLEL',
          },
          Parameters: memberParameters,
          StackInstancesGroup: [
            {
              DeploymentTargets: { OrganizationalUnitIds: ref(ORG_PARAMETERS.organizationalUnitIds) },
              Regions: [ref('AWS::Region')],
            },
          ],
          TemplateBody: renderTemplate('account'),
          Tags: TAGS,
        },
      },
    },
    Outputs: {
      ...OUTPUTS,
      ...liveEventOutputs(),
      MemberStackSetId: {
        Description: 'The StackSet that deploys the member role',
        Value: getAtt('MemberStackSet', 'StackSetId'),
      },
    },
  };
}

/** Every member account × event region gets a forwarding rule to this account's home bus. */
function forwarderStackSet(): Record<string, unknown> {
  return {
    Type: 'AWS::CloudFormation::StackSet',
    Condition: LIVE_EVENTS_CONDITION,
    // The members' rules put events on the home bus: its policy must exist first.
    DependsOn: ['EventsBusPolicy', 'EventsRule'],
    Properties: {
      StackSetName: sub('${AWS::StackName}-forwarders'),
      Description: "Tally live events: each member region's resource changes to the home region's bus",
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: ref(ORG_PARAMETERS.callAs),
      Capabilities: ['CAPABILITY_IAM'],
      OperationPreferences: {
        FailureTolerancePercentage: 100,
        MaxConcurrentPercentage: 100,
        RegionConcurrencyType: 'PARALLEL',
      },
      Parameters: [
        { ParameterKey: FORWARDER_PARAMETERS.subject, ParameterValue: ref(PARAMETERS.subject) },
        { ParameterKey: FORWARDER_PARAMETERS.homeAccountId, ParameterValue: ref('AWS::AccountId') },
        { ParameterKey: FORWARDER_PARAMETERS.homeRegion, ParameterValue: ref('AWS::Region') },
      ],
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ref(ORG_PARAMETERS.organizationalUnitIds) },
          Regions: ref(ORG_PARAMETERS.eventRegions),
        },
      ],
      TemplateBody: renderForwarderTemplate(),
      Tags: TAGS,
    },
  };
}

/** The forwarder template as YAML. */
export function renderForwarderTemplate(): string {
  return toYaml(forwarderTemplate(), HEADER);
}

function interfaceMetadata(mode: OnboardingMode): Record<string, unknown> {
  const groups: { Label: { default: string }; Parameters: string[] }[] = [
    {
      Label: { default: 'Tally connection (copy these from Tally)' },
      Parameters: [PARAMETERS.issuerHost, PARAMETERS.audience, PARAMETERS.subject],
    },
    { Label: { default: 'Role' }, Parameters: [PARAMETERS.roleName, PARAMETERS.createOidcProvider] },
    { Label: { default: 'Live events' }, Parameters: [PARAMETERS.enableLiveEvents, PARAMETERS.createTrail] },
  ];
  if (mode === 'organization') {
    groups.push({ Label: { default: 'Member accounts' }, Parameters: Object.values(ORG_PARAMETERS) });
  }
  return { 'AWS::CloudFormation::Interface': { ParameterGroups: groups } };
}

/** The template of `mode` as YAML, with each given parameter value filled in as that parameter's Default. */
export function renderTemplate(mode: OnboardingMode, parameters: Partial<StackParameterValues> = {}): string {
  const template = mode === 'account' ? accountTemplate() : organizationTemplate();
  const declared = template.Parameters as Record<string, Record<string, unknown>>;
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    if (!declared[name]) throw new Error(`the ${mode} template has no parameter ${name}`);
    declared[name] = withDefault(declared[name], value);
  }
  return toYaml(template, HEADER);
}

// Keep the key order readable: Default right after Type.
function withDefault(parameter: Record<string, unknown>, value: string): Record<string, unknown> {
  const { Type, ...rest } = parameter;
  delete rest.Default;
  return { Type, Default: value, ...rest };
}
