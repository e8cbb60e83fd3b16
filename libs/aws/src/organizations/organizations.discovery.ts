import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AppConfig } from '@tally/config';
import { instrumentAwsClient } from '@tally/metrics';
import { DEFAULT_RETRY, sendCounted, type RetryPolicy } from '../collector/call-retry';
import { awsClientDefaults } from '../credentials/aws-client-defaults';

/** Status of a member account as Organizations reports it. */
export type OrgAccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface OrgAccount {
  id: string;
  name: string | null;
  email: string | null;
  status: OrgAccountStatus;
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
  config: AppConfig,
  credentials: AwsCredentialIdentityProvider,
  context: { accountId: string; retry?: RetryPolicy },
): Promise<OrgListing> {
  const client = instrumentAwsClient(
    new OrganizationsClient({ ...awsClientDefaults(config, 'organizations'), credentials }),
  );
  const accounts: OrgAccount[] = [];
  let apiCalls = 0;
  try {
    let token: string | undefined;
    do {
      const page = await sendCounted(
        () => client.send(new ListAccountsCommand({ NextToken: token })),
        { operation: 'ListAccounts', accountId: context.accountId },
        context.retry ?? DEFAULT_RETRY,
      );
      apiCalls += page.attempts;
      for (const a of page.value.Accounts ?? []) {
        if (!a.Id) continue;
        accounts.push({
          id: a.Id,
          name: a.Name ?? null,
          email: a.Email ?? null,
          status: statusOf(a.Status, a.State),
        });
      }
      token = page.value.NextToken || undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return { accounts, apiCalls };
}

/** `Status` is deprecated in favour of `State` (which adds PENDING_ACTIVATION, CLOSED); both map here. */
function statusOf(status: string | undefined, state: string | undefined): OrgAccountStatus {
  const s = state ?? status ?? 'ACTIVE';
  if (s === 'ACTIVE') return 'ACTIVE';
  if (s === 'PENDING_CLOSURE') return 'PENDING_CLOSURE';
  return 'SUSPENDED';
}
