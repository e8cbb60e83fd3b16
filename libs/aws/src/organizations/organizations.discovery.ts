import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { countedIn } from '../clients/aws-call.middleware';
import type { AwsClients } from '../clients/aws-clients';
import { classifyAwsError } from '../sts/aws-error.classifier';

/** Status of a member account as Organizations reports it. */
export type OrgAccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface OrgAccount {
  id: string;
  name: string | null;
  email: string | null;
  status: OrgAccountStatus;
  /**
   * The Organizations `Account` object as Port's integration reads it (`Id, Arn, Email, Name, Status,
   * JoinedMethod, JoinedTimestamp`); the timestamp in Python's `str(datetime)` form, which Port's
   * default mapping turns into ISO with `sub(" "; "T")`.
   */
  account: Record<string, string | null>;
}

export interface OrgListing {
  accounts: OrgAccount[];
  apiCalls: number;
}

/**
 * Every account of the organization, read with the management account's credentials through all
 * ListAccounts pages. Only a complete listing returns; any failure throws (AwsCallError; not using
 * Organizations is `organizations_not_in_use`), so callers never act on a partial list.
 */
export async function listOrganizationAccounts(
  clients: AwsClients,
  credentials: AwsCredentialIdentityProvider,
  context: { accountId: string },
): Promise<OrgListing> {
  const client = clients.organizations(credentials);
  const accounts: OrgAccount[] = [];
  const calls = { apiCalls: 0 };
  try {
    let token: string | undefined;
    do {
      const page = await client
        .send(countedIn(new ListAccountsCommand({ NextToken: token }), calls))
        .catch((err: unknown) => {
          throw classifyAwsError(err, { operation: 'ListAccounts', accountId: context.accountId });
        });
      for (const a of page.Accounts ?? []) {
        if (!a.Id) continue;
        accounts.push({
          id: a.Id,
          name: a.Name ?? null,
          email: a.Email ?? null,
          status: statusOf(a.Status, a.State),
          account: {
            Id: a.Id,
            Arn: a.Arn ?? null,
            Email: a.Email ?? null,
            Name: a.Name ?? null,
            Status: a.Status ?? a.State ?? null,
            JoinedMethod: a.JoinedMethod ?? null,
            JoinedTimestamp: a.JoinedTimestamp ? pythonTimestamp(a.JoinedTimestamp) : null,
          },
        });
      }
      token = page.NextToken || undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return { accounts, apiCalls: calls.apiCalls };
}

/** `Status` is deprecated in favour of `State` (which adds PENDING_ACTIVATION, CLOSED); both map here. */
function statusOf(status: string | undefined, state: string | undefined): OrgAccountStatus {
  const s = state ?? status ?? 'ACTIVE';
  if (s === 'ACTIVE') return 'ACTIVE';
  if (s === 'PENDING_CLOSURE') return 'PENDING_CLOSURE';
  return 'SUSPENDED';
}

/** `2024-03-01 09:30:00.123000+00:00`: how boto3 (Port's integration) prints a UTC datetime. */
export function pythonTimestamp(d: Date): string {
  const iso = d.toISOString(); // 2024-03-01T09:30:00.123Z
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms ? `.${String(ms).padStart(3, '0')}000` : ''}+00:00`;
}
