// Stack parameter names, their patterns and defaults: shared by the templates, the API's onboarding
// block and the docs. The patterns are the templates' AllowedPatterns (CloudFormation matches the
// whole value), so the same strings validate input here.

/** The role Tally assumes when the connection names none. */
export const DEFAULT_ROLE_NAME = 'TallyReadOnly';

/** The AWS STS audience OIDC web identity uses by default. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/** Parameter names of the account template (and the organization template, which adds ORG_PARAMETERS). */
export const PARAMETERS = {
  issuerHost: 'IssuerHost',
  audience: 'Audience',
  subject: 'Subject',
  roleName: 'RoleName',
  createOidcProvider: 'CreateOidcProvider',
  enableLiveEvents: 'EnableLiveEvents',
  createTrail: 'CreateTrail',
} as const;

/** Parameter names only the organization template has. */
export const ORG_PARAMETERS = {
  organizationalUnitIds: 'OrganizationalUnitIds',
  callAs: 'CallAs',
  membersCreateOidcProvider: 'MembersCreateOidcProvider',
  /** For the home bus policy (`aws:PrincipalOrgID`): members' forwarders may put events. */
  organizationId: 'OrganizationId',
  /** Where the forwarder StackSet puts a rule in every member account (the connection's regions). */
  eventRegions: 'EventRegions',
} as const;

/** Parameter names of the forwarder template (cloudformation/tally-events-forwarder.yaml). */
export const FORWARDER_PARAMETERS = {
  subject: 'Subject',
  homeAccountId: 'HomeAccountId',
  homeRegion: 'HomeRegion',
} as const;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** AllowedPatterns (anchored, as CloudFormation applies them to the whole value). */
export const PATTERNS = {
  /** Host[:port][/path] of the issuer, no scheme, no trailing slash (IAM stores provider URLs so). */
  issuerHost: '^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~-]+)*$',
  audience: '^[\\x21-\\x7E]{1,255}$',
  subject: `^tenant:${UUID}:connection:${UUID}$`,
  /** IAM's role name pattern. */
  roleName: '^[\\w+=,.@-]{1,64}$',
  /** An organization root (r-…) or organizational unit (ou-…) id. */
  organizationalUnitId: '^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$',
  /** An AWS Organizations id (o-…). */
  organizationId: '^o-[a-z0-9]{10,32}$',
  accountId: '^[0-9]{12}$',
  region: '^[a-z]{2}(?:-gov)?-[a-z]+-[0-9]$',
} as const;

/** The values the stack is deployed with; the organization fields apply to the organization template. */
export interface StackParameterValues {
  IssuerHost: string;
  Audience: string;
  Subject: string;
  RoleName: string;
  CreateOidcProvider?: 'true' | 'false';
  EnableLiveEvents?: 'true' | 'false';
  CreateTrail?: 'true' | 'false';
  OrganizationalUnitIds?: string;
  OrganizationId?: string;
  /** Comma-separated regions. */
  EventRegions?: string;
  CallAs?: 'SELF' | 'DELEGATED_ADMIN';
  MembersCreateOidcProvider?: 'true' | 'false';
}

/** The issuer host IAM and the templates use: OIDC_ISSUER_URL without its scheme (and trailing slash). */
export function issuerHostOf(issuerUrl: string): string {
  return issuerUrl.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
}
