// What a customer needs to deploy the stack for one connection: the role ARN Tally will assume, the
// stack parameters, and either a console quick-create link (templates published at
// CFN_TEMPLATE_BASE_URL; the console only fetches from S3) or a ready-to-paste CLI command.
import { roleArnFor } from '@tally/aws';
import { subjectFor } from '@tally/oidc';
import { DEFAULT_ROLE_NAME, issuerHostOf, type StackParameterValues } from './onboarding.parameters';
import { liveEventNames } from './onboarding.live-events';
import { FORWARDER_TEMPLATE_FILE, TEMPLATE_FILES, type OnboardingMode } from './onboarding.templates';

export interface OnboardingConnection {
  id: string;
  tenantId: string;
  /** The account (single) or the organization's management account (organization). */
  accountId: string;
  mode: OnboardingMode;
  roleName?: string | null;
  /** The connection's regions (absent: only the home region). */
  regions?: string[];
  /** Where the stack goes (null or absent: the first of `regions`, else AWS_REGION). */
  homeRegion?: string | null;
  /** Live events on (the default) or off. */
  liveEvents?: boolean;
}

/** One (account, region) the forwarder template must be deployed to by hand, with its command. */
export interface ForwarderDeployment {
  accountId: string;
  region: string;
  cliCommand: string;
}

/** Where live events come from and go to. */
export interface LiveEventsOnboarding {
  enabled: boolean;
  /** The stack's region: the queue and the rule live here. */
  homeRegion: string;
  queueName: string;
  deadLetterQueueName: string;
  ruleName: string;
  /** Organization: the forwarder StackSet covers every member account in these regions. */
  stackSetForwarders?: { accounts: 'every member account'; regions: string[] };
  /** The other regions of the account (single) or of the management account (organization). */
  manualForwarders: ForwarderDeployment[];
  forwarderTemplateFile: string;
}

export interface OnboardingConfig {
  OIDC_ISSUER_URL: string;
  OIDC_AUDIENCE: string;
  AWS_REGION: string;
  CFN_TEMPLATE_BASE_URL?: string;
}

export interface Onboarding {
  mode: OnboardingMode;
  /** The role Tally assumes in `accountId` (members: the same name in each member account). */
  roleArn: string;
  stackName: string;
  /** The stack parameters (IssuerHost, Audience, Subject, RoleName, CreateOidcProvider, and organization extras). */
  parameters: StackParameterValues;
  /** The template's file name (what GET …/cloudformation returns). */
  templateFile: string;
  /** Only when CFN_TEMPLATE_BASE_URL is set. */
  templateUrl?: string;
  /** Only when CFN_TEMPLATE_BASE_URL is set. */
  quickCreateUrl?: string;
  /** `aws cloudformation deploy …` for the template saved as `templateFile`. */
  cliCommand: string;
  /** Where the stack goes (the home region) and what the forwarders cover (accounts × regions). */
  liveEvents: LiveEventsOnboarding;
}

/** The connection's home region: its own, else the first of its regions, else `fallback`. */
export function homeRegionOf(
  connection: { homeRegion?: string | null; regions?: string[] },
  fallback: string,
): string {
  return connection.homeRegion || connection.regions?.[0] || fallback;
}

/** Everything a customer needs to deploy the onboarding stack of `connection`. */
export function onboardingFor(connection: OnboardingConnection, config: OnboardingConfig): Onboarding {
  const roleName = connection.roleName || DEFAULT_ROLE_NAME;
  const region = homeRegionOf(connection, config.AWS_REGION);
  const regions = connection.regions?.length ? connection.regions : [region];
  const live = connection.liveEvents !== false;
  const parameters: StackParameterValues = {
    IssuerHost: issuerHostOf(config.OIDC_ISSUER_URL),
    Audience: config.OIDC_AUDIENCE,
    Subject: subjectFor(connection.tenantId, connection.id),
    RoleName: roleName,
    CreateOidcProvider: 'true',
    EnableLiveEvents: live ? 'true' : 'false',
    CreateTrail: 'false',
    ...(connection.mode === 'organization'
      ? {
          CallAs: 'SELF' as const,
          MembersCreateOidcProvider: 'true' as const,
          EventRegions: regions.join(','),
        }
      : {}),
  };
  const templateFile = TEMPLATE_FILES[connection.mode];
  const stackName = stackNameFor(connection.id);
  const base = config.CFN_TEMPLATE_BASE_URL?.replace(/\/+$/, '');
  const templateUrl = base ? `${base}/${templateFile}` : undefined;
  return {
    mode: connection.mode,
    roleArn: roleArnFor(connection.accountId, roleName, region),
    stackName,
    parameters,
    templateFile,
    ...(templateUrl
      ? { templateUrl, quickCreateUrl: quickCreateUrl(region, templateUrl, stackName, parameters) }
      : {}),
    cliCommand: cliCommand(connection.mode, region, templateFile, stackName, parameters),
    liveEvents: liveEventsOnboarding(connection, region, regions, live, parameters.Subject),
  };
}

function liveEventsOnboarding(
  connection: OnboardingConnection,
  homeRegion: string,
  regions: string[],
  enabled: boolean,
  subject: string,
): LiveEventsOnboarding {
  const names = liveEventNames(connection.id);
  const others = enabled ? regions.filter((r) => r !== homeRegion) : [];
  return {
    enabled,
    homeRegion,
    queueName: names.queue,
    deadLetterQueueName: names.dlq,
    ruleName: names.rule,
    ...(enabled && connection.mode === 'organization'
      ? { stackSetForwarders: { accounts: 'every member account' as const, regions } }
      : {}),
    manualForwarders: others.map((region) => ({
      accountId: connection.accountId,
      region,
      cliCommand: forwarderCommand(connection, region, homeRegion, subject),
    })),
    forwarderTemplateFile: FORWARDER_TEMPLATE_FILE,
  };
}

function forwarderCommand(
  connection: OnboardingConnection,
  region: string,
  homeRegion: string,
  subject: string,
): string {
  const overrides = [
    `Subject=${subject}`,
    `HomeAccountId=${connection.accountId}`,
    `HomeRegion=${homeRegion}`,
  ];
  return [
    'aws cloudformation deploy',
    `--region ${region}`,
    `--stack-name ${stackNameFor(connection.id)}-forwarder`,
    `--template-file ${FORWARDER_TEMPLATE_FILE}`,
    '--capabilities CAPABILITY_IAM',
    `--parameter-overrides ${overrides.map(shellQuote).join(' ')}`,
  ].join(' \\\n  ');
}

/** The stack name Tally suggests for a connection (a StackSet `<name>-members` derives from it). */
export function stackNameFor(connectionId: string): string {
  return `tally-${connectionId
    .replace(/[^0-9a-zA-Z]/g, '')
    .slice(0, 12)
    .toLowerCase()}`;
}

function quickCreateUrl(
  region: string,
  templateUrl: string,
  stackName: string,
  parameters: StackParameterValues,
): string {
  const query = [
    `templateURL=${encodeURIComponent(templateUrl)}`,
    `stackName=${encodeURIComponent(stackName)}`,
    ...Object.entries(parameters).map(([k, v]) => `param_${k}=${encodeURIComponent(String(v))}`),
  ].join('&');
  return `https://console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/quickcreate?${query}`;
}

function cliCommand(
  mode: OnboardingMode,
  region: string,
  file: string,
  stackName: string,
  parameters: StackParameterValues,
): string {
  const overrides = Object.entries(parameters).map(([k, v]) => shellQuote(`${k}=${v}`));
  if (mode === 'organization') {
    // The root id is only known inside the organization: look it up where the command runs.
    overrides.push(
      `"OrganizationalUnitIds=$(aws organizations list-roots --query 'Roots[0].Id' --output text)"`,
      `"OrganizationId=$(aws organizations describe-organization --query 'Organization.Id' --output text)"`,
    );
  }
  return [
    'aws cloudformation deploy',
    `--region ${region}`,
    `--stack-name ${stackName}`,
    `--template-file ${file}`,
    '--capabilities CAPABILITY_NAMED_IAM',
    `--parameter-overrides ${overrides.join(' ')}`,
  ].join(' \\\n  ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
