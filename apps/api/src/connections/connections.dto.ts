import type { z } from 'zod';
import type { Connection as ConnectionRow } from '@tally/db';
import type { Connection } from '@tally/contract';

export type ConnectionView = z.input<typeof Connection>;

/** The connection as the API answers it (every column is public; none holds a secret). */
export function toConnectionView(c: ConnectionRow): ConnectionView {
  return {
    id: c.id,
    tenantId: c.tenantId,
    name: c.name,
    accountId: c.accountId,
    mode: c.mode,
    regions: c.regions,
    resourceTypes: c.resourceTypes,
    roleName: c.roleName,
    syncIntervalMinutes: c.syncIntervalMinutes,
    status: c.status,
    statusMessage: c.statusMessage,
    // Written by VerificationRecorder as { status, checks }; the response schema checks it.
    verification: c.verification as ConnectionView['verification'],
    verifiedAt: c.verifiedAt,
    paused: c.paused,
    nextSyncAt: c.nextSyncAt,
    lastSyncAt: c.lastSyncAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
