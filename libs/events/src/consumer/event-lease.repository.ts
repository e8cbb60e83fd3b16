import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient } from '@tally/db';

/** A live connection this worker now consumes. */
export interface LeasedStream {
  tenantId: string;
  connectionId: string;
}

/** Counter deltas of one batch. */
export interface StreamCounts {
  received: number;
  ignored: number;
  refreshes: number;
  malformed: number;
  lastEventAt?: Date | null;
  lastError?: string | null;
}

// Rows for live connections that have none yet, then the free or expired leases (and our own),
// claimed with SKIP LOCKED so replicas never take the same one.
const ENSURE = `
INSERT INTO live_event_streams (connection_id, tenant_id)
SELECT c.id, c.tenant_id FROM connections c
WHERE c.live_events AND c.status = 'active' AND NOT c.paused
  AND NOT EXISTS (SELECT 1 FROM live_event_streams s WHERE s.connection_id = c.id)
ON CONFLICT (connection_id) DO NOTHING`;

const CLAIM = `
WITH free AS (
  SELECT s.connection_id FROM live_event_streams s
  JOIN connections c ON c.id = s.connection_id
  WHERE c.live_events AND c.status = 'active' AND NOT c.paused
    AND (s.lease_until IS NULL OR s.lease_until < now() OR s.lease_owner = $1)
  ORDER BY s.lease_until NULLS FIRST
  LIMIT $3
  FOR UPDATE OF s SKIP LOCKED
)
UPDATE live_event_streams s SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000)
FROM free WHERE s.connection_id = free.connection_id
RETURNING s.tenant_id AS "tenantId", s.connection_id AS "connectionId"`;

// Renews only leases still ours and still wanted (live events on, connection active): what is not
// returned must stop.
const RENEW = `
UPDATE live_event_streams s SET lease_until = now() + make_interval(secs => $2::float8 / 1000)
FROM connections c
WHERE c.id = s.connection_id AND s.lease_owner = $1 AND s.connection_id = ANY($3::uuid[])
  AND s.lease_until >= now() AND c.live_events AND c.status = 'active' AND NOT c.paused
RETURNING s.connection_id AS "connectionId"`;

/** The per-connection consumer lease (one consumer across every worker) and its counters, in Postgres. */
@Injectable()
export class EventLeaseRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** Takes up to `limit` free or expired leases (and renews this owner's) for `leaseMs`. */
  async claim(owner: string, leaseMs: number, limit: number): Promise<LeasedStream[]> {
    await this.prisma.$executeRawUnsafe(ENSURE);
    return this.prisma.$queryRawUnsafe<LeasedStream[]>(CLAIM, owner, leaseMs, limit);
  }

  /** Extends this owner's leases; answers the connection ids still held. */
  async renew(owner: string, connectionIds: string[], leaseMs: number): Promise<Set<string>> {
    if (!connectionIds.length) return new Set();
    const rows = await this.prisma.$queryRawUnsafe<{ connectionId: string }[]>(
      RENEW,
      owner,
      leaseMs,
      connectionIds,
    );
    return new Set(rows.map((r) => r.connectionId));
  }

  /** Gives a lease up at once (shutdown), so another worker takes over without waiting for expiry. */
  async release(owner: string, connectionId: string): Promise<void> {
    await this.prisma.liveEventStream.updateMany({
      where: { connectionId, leaseOwner: owner },
      data: { leaseOwner: null, leaseUntil: null },
    });
  }

  /** Adds one batch's counts to the connection's stream. */
  async record(tenantId: string, connectionId: string, c: StreamCounts): Promise<void> {
    await this.prisma.liveEventStream.updateMany({
      where: { tenantId, connectionId },
      data: {
        lastPollAt: new Date(),
        received: { increment: c.received },
        ignored: { increment: c.ignored },
        refreshes: { increment: c.refreshes },
        malformed: { increment: c.malformed },
        ...(c.lastEventAt ? { lastEventAt: c.lastEventAt } : {}),
        ...(c.lastError !== undefined ? { lastError: c.lastError } : {}),
      },
    });
  }
}
