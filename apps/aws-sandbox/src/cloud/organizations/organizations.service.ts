// AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128`): ListAccounts and DescribeOrganization.
import { AwsError, type CallContext, type JsonService } from '../../contract';
import type { CloudRuntime } from '../runtime';
import type { AccountRecord, OrganizationInfo } from '../store/cloud-state';
import { hash32 } from '../util/hash';

const SIGNING_NAME = 'organizations';
const MAX_PAGE = 20;

const orgErrors = {
  notInUse: () =>
    new AwsError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
      400,
    ),
  accessDenied: () =>
    new AwsError('AccessDeniedException', "You don't have permissions to access this resource.", 400),
  throttled: () =>
    new AwsError(
      'TooManyRequestsException',
      "AWS Organizations can't complete your request because another request is already in progress. Try again later.",
      400,
    ),
  invalidInput: (message: string) => new AwsError('InvalidInputException', message, 400),
};

export class OrganizationsService implements JsonService {
  readonly signingName = SIGNING_NAME;
  readonly targetPrefix = 'AWSOrganizationsV20161128';
  readonly contentType = 'application/x-amz-json-1.1';

  constructor(private readonly runtime: () => CloudRuntime) {}

  async handle(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown> {
    if (operation !== 'ListAccounts' && operation !== 'DescribeOrganization') {
      throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`, 400);
    }
    const rt = this.runtime();
    await rt.behaviour.delay();
    if (!rt.behaviour.throttle.tryTake(ctx.accountId, ctx.region, SIGNING_NAME)) throw orgErrors.throttled();
    ctx.authorize(`organizations:${operation}`);
    const org = rt.state.organization;
    const caller = rt.state.accounts.get(ctx.accountId);
    if (!org || !caller?.inOrganization) throw orgErrors.notInUse();
    if (operation === 'DescribeOrganization') return { Organization: describe(org, rt) };
    if (ctx.accountId !== org.managementAccountId) throw orgErrors.accessDenied();
    return this.listAccounts(rt, org, input);
  }

  private listAccounts(rt: CloudRuntime, org: OrganizationInfo, input: Record<string, unknown>) {
    const max = input.MaxResults === undefined ? MAX_PAGE : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) {
      throw orgErrors.invalidInput('You provided a value that does not match the required pattern.');
    }
    const members = rt.state.organizationMembers();
    const key = `${rt.generation}|${org.id}`;
    const start =
      input.NextToken === undefined || input.NextToken === null ? 0 : decodeOffset(key, input.NextToken);
    const page = members.slice(start, start + max);
    const end = start + page.length;
    return {
      Accounts: page.map((a) => toAccount(a, org)),
      ...(end < members.length ? { NextToken: encodeOffset(key, end) } : {}),
    };
  }
}

function describe(org: OrganizationInfo, rt: CloudRuntime) {
  const management = rt.state.accounts.get(org.managementAccountId);
  return {
    Id: org.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
    FeatureSet: 'ALL',
    MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
    MasterAccountId: org.managementAccountId,
    MasterAccountEmail: management?.email ?? `aws+${org.managementAccountId}@example.com`,
    AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
  };
}

function toAccount(a: AccountRecord, org: OrganizationInfo) {
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.status,
    State: a.status,
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: a.joinedTimestamp,
  };
}

function encodeOffset(key: string, offset: number): string {
  const body = offset.toString(36);
  return Buffer.from(`${body}.${hash32(`${key}#${body}`).toString(36)}`).toString('base64url');
}

function decodeOffset(key: string, token: unknown): number {
  const [body, check] =
    typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8').split('.') : [];
  if (!body || hash32(`${key}#${body}`).toString(36) !== check)
    throw orgErrors.invalidInput('The NextToken value is not valid.');
  return parseInt(body, 36);
}
