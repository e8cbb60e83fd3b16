// What a customer needs to deploy the stack for one connection: the role ARN Tally will assume, the
// stack parameters, and either a console quick-create link (templates published at
// CFN_TEMPLATE_BASE_URL; the console only fetches from S3) or a ready-to-paste CLI command.
import { roleArnFor } from '@tally/aws';
import { subjectFor } from '@tally/oidc';
import { DEFAULT_ROLE_NAME, issuerHostOf, type StackParameterValues } from './onboarding.parameters';
import { TEMPLATE_FILES, type OnboardingMode } from './onboarding.templates';

export interface OnboardingConnection {
  id: string;
  tenantId: string;
  /** The account (single) or the organization's management account (organization). */
  accountId: string;
  mode: OnboardingMode;
  roleName?: string | null;
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
}

/** Everything a customer needs to deploy the onboarding stack of `connection`. */
export function onboardingFor(connection: OnboardingConnection, config: OnboardingConfig): Onboarding {
  const roleName = connection.roleName || DEFAULT_ROLE_NAME;
  const parameters: StackParameterValues = {
    IssuerHost: issuerHostOf(config.OIDC_ISSUER_URL),
    Audience: config.OIDC_AUDIENCE,
    Subject: subjectFor(connection.tenantId, connection.id),
    RoleName: roleName,
    CreateOidcProvider: 'true',
    ...(connection.mode === 'organization'
      ? { CallAs: 'SELF' as const, MembersCreateOidcProvider: 'true' as const }
      : {}),
  };
  const templateFile = TEMPLATE_FILES[connection.mode];
  const stackName = stackNameFor(connection.id);
  const region = config.AWS_REGION;
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
  };
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
