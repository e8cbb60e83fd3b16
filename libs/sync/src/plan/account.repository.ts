import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient } from '@tally/db';

export interface AccountSighting {
  accountId: string;
  name: string | null;
  email: string | null;
  status: 'active' | 'suspended';
}

const UPSERT = `
INSERT INTO accounts (tenant_id, connection_id, account_id, name, email, status)
SELECT $1::uuid, $2::uuid, a."accountId", a.name, a.email, a.status::"AccountStatus"
FROM jsonb_to_recordset($3::jsonb) AS a("accountId" text, name text, email text, status text)
ON CONFLICT (connection_id, account_id) DO UPDATE SET
  name = coalesce(excluded.name, accounts.name), email = coalesce(excluded.email, accounts.email),
  status = excluded.status, last_seen_at = now(), left_at = NULL`;

const MARK_LEFT = `
UPDATE accounts SET status = 'left', left_at = now()
WHERE tenant_id = $1::uuid AND connection_id = $2::uuid AND status <> 'left' AND NOT (account_id = ANY($3::text[]))
RETURNING account_id AS "accountId"`;

/** The accounts a connection covers, as last discovered. */
@Injectable()
export class AccountRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** Records every discovered account (one statement). */
  async upsertMany(tenantId: string, connectionId: string, accounts: AccountSighting[]): Promise<void> {
    if (accounts.length)
      await this.prisma.$executeRawUnsafe(UPSERT, tenantId, connectionId, JSON.stringify(accounts));
  }

  /** After a COMPLETE listing: marks accounts missing from it as left; returns their ids. */
  async markLeft(tenantId: string, connectionId: string, present: string[]): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ accountId: string }[]>(
      MARK_LEFT,
      tenantId,
      connectionId,
      present,
    );
    return rows.map((r) => r.accountId);
  }
}
