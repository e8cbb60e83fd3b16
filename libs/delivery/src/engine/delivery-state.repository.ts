import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type Destination, type PrismaClient } from '@tally/db';

export interface BatchResult {
  destinationId: string;
  tenantId: string;
  owner: string;
  leaseMs: number;
  /** The new cursor, and backfill progress when the batch was a backfill page. */
  cursor: bigint;
  backfillAfter?: string | null;
  backfillDone?: boolean;
  changes: number;
  delivered: number;
  firstCursor: bigint | null;
  lastCursor: bigint | null;
  durationMs: number;
  /** Set when the batch failed: the customer's words, the retry time, the status to move to. */
  error?: string;
  nextAttemptAt?: Date;
  status?: 'active' | 'failing' | 'paused';
  /** A rate limit: the retry waits, but it is not counted as a failed attempt. */
  keepAttempts?: boolean;
  /** What a batch skipped without failing (entities the mapping could not make), for the record. */
  notes?: string | null;
}

/** Delivery state in Postgres: leases (one deliverer per destination), cursor, attempts, history. */
@Injectable()
export class DeliveryStateRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /**
   * Takes the destination for `leaseMs` if nobody holds it, it is not paused and its retry time has
   * come. A worker that dies keeps it only until the lease lapses, then another one delivers again.
   */
  async claim(destinationId: string, owner: string, leaseMs: number): Promise<Destination | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE destinations SET lease_owner = $2, lease_until = now() + make_interval(secs => $3::float8 / 1000)
       WHERE id = $1::uuid AND status <> 'paused'
         AND (lease_until IS NULL OR lease_until < now())
         AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       RETURNING id`,
      destinationId,
      owner,
      leaseMs,
    );
    if (!rows.length) return null;
    return this.prisma.destination.findUnique({ where: { id: destinationId } });
  }

  /** When a destination that could not be claimed is due again (a wake-up came early), if it waits for a retry. */
  async retryTime(destinationId: string): Promise<Date | undefined> {
    const d = await this.prisma.destination.findUnique({
      where: { id: destinationId },
      select: { status: true, nextAttemptAt: true },
    });
    if (!d || d.status === 'paused' || !d.nextAttemptAt || d.nextAttemptAt.getTime() <= Date.now())
      return undefined;
    return d.nextAttemptAt;
  }

  /** Gives the destination back (after its last batch). */
  async release(destinationId: string, owner: string): Promise<void> {
    await this.prisma.destination.updateMany({
      where: { id: destinationId, leaseOwner: owner },
      data: { leaseOwner: null, leaseUntil: null },
    });
  }

  /** Records one batch's outcome and moves the state on; false if the lease was lost meanwhile. */
  async record(r: BatchResult): Promise<boolean> {
    const now = new Date();
    const failed = r.error !== undefined;
    const moved = await this.prisma.destination.updateMany({
      where: { id: r.destinationId, leaseOwner: r.owner },
      data: {
        cursor: r.cursor,
        ...(r.backfillAfter !== undefined ? { backfillAfter: r.backfillAfter } : {}),
        ...(r.backfillDone ? { backfillPending: false, backfillAfter: null } : {}),
        delivered: { increment: r.delivered },
        lastAttemptAt: now,
        leaseUntil: new Date(now.getTime() + r.leaseMs),
        ...(failed
          ? {
              ...(r.keepAttempts ? {} : { attempts: { increment: 1 } }),
              lastError: r.error,
              nextAttemptAt: r.nextAttemptAt,
              status: r.status,
            }
          : { attempts: 0, lastError: null, nextAttemptAt: null, status: 'active', lastSuccessAt: now }),
      },
    });
    if (!moved.count) return false;
    if (r.changes) {
      await this.prisma.destinationDelivery.create({
        data: {
          tenantId: r.tenantId,
          destinationId: r.destinationId,
          outcome: failed ? 'failed' : 'succeeded',
          changes: r.changes,
          delivered: r.delivered,
          firstCursor: r.firstCursor,
          lastCursor: r.lastCursor,
          durationMs: r.durationMs,
          error: r.error ?? r.notes ?? null,
        },
      });
    }
    return true;
  }

  /** Destinations that have work and may run now: what the periodic sweep wakes up. */
  async due(limit = 1000): Promise<Array<{ id: string; tenantId: string }>> {
    return this.prisma.$queryRawUnsafe(
      `SELECT d.id, d.tenant_id AS "tenantId" FROM destinations d
       LEFT JOIN change_feeds f ON f.tenant_id = d.tenant_id
       WHERE d.status <> 'paused' AND (d.lease_until IS NULL OR d.lease_until < now())
         AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now())
         AND (d.backfill_pending OR d.cursor < coalesce(f.last_seq, 0)
              OR EXISTS (SELECT 1 FROM resource_changes c WHERE c.tenant_id = d.tenant_id AND c.seq IS NULL))
       ORDER BY d.next_attempt_at NULLS FIRST LIMIT $1`,
      limit,
    );
  }

  /** A tenant's destinations that can take deliveries (woken when its changes commit). */
  async deliverable(tenantId: string): Promise<Array<{ id: string; tenantId: string }>> {
    return this.prisma.destination.findMany({
      where: { tenantId, status: { not: 'paused' } },
      select: { id: true, tenantId: true },
    });
  }
}
