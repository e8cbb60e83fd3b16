import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type Prisma, type PrismaClient } from '@tally/db';
import { CursorExpiredError, decodeChangeCursor, encodeChangeCursor } from './change-cursor';
import { ChangeNotifier } from './change-notifier';
import { ChangeSequencer } from './change-sequencer';
import { toChangeItem, type ChangeItem, type ChangeWithResource } from './change.view';

/** Which changes a reader wants: every list is "any of". */
export interface ChangeFilter {
  types?: string[];
  accountIds?: string[];
  connectionIds?: string[];
}

export interface ListChangesQuery {
  after?: string;
  limit?: number;
  type?: string;
  accountId?: string;
  connectionId?: string;
  /** Long poll: with nothing new, wait up to this long (0-20 s) for a change to commit. */
  waitSeconds?: number;
}

export interface ChangePage {
  items: ChangeItem[];
  /** Where to continue; present even when empty (the head), so a poller never re-scans. */
  nextCursor: string;
}

export const DEFAULT_CHANGES_LIMIT = 100;
export const MAX_CHANGES_LIMIT = 1000;
export const MAX_WAIT_SECONDS = 20;

/** The tenant's change feed: in order, never skipping, long-pollable, bounded by retention. */
@Injectable()
export class ChangeFeedService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChangeSequencer) private readonly sequencer: ChangeSequencer,
    @Inject(ChangeNotifier) private readonly notifier: ChangeNotifier,
  ) {}

  /** Changes after `after`, oldest first; waits up to waitSeconds when there is none yet. */
  async listChanges(tenantId: string, q: ListChangesQuery = {}, signal?: AbortSignal): Promise<ChangePage> {
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_CHANGES_LIMIT, 1), MAX_CHANGES_LIMIT);
    const filter: ChangeFilter = {
      types: q.type ? [q.type] : undefined,
      accountIds: q.accountId ? [q.accountId] : undefined,
      connectionIds: q.connectionId ? [q.connectionId] : undefined,
    };
    const start = await this.startingPoint(tenantId, q.after);
    const deadline = Date.now() + Math.min(Math.max(q.waitSeconds ?? 0, 0), MAX_WAIT_SECONDS) * 1000;
    for (;;) {
      const remaining = deadline - Date.now();
      const stop = new AbortController();
      const abort = () => stop.abort();
      signal?.addEventListener('abort', abort);
      try {
        // Listen before reading: a commit between the read and the wait must still wake us.
        const woken =
          remaining > 0 && !signal?.aborted ? this.notifier.waitFor(tenantId, remaining, stop.signal) : null;
        const page = await this.read(tenantId, start, filter, limit);
        if (page.rows.length || !woken) {
          return { items: page.rows.map(toChangeItem), nextCursor: encodeChangeCursor(page.next) };
        }
        await woken; // then read again; past the deadline the next pass answers whatever it finds
      } finally {
        stop.abort();
        signal?.removeEventListener('abort', abort);
      }
    }
  }

  /**
   * Up to `limit` changes after seq `after` matching `filter`, with `next` = where to continue:
   * the last row's seq, or the stamped head when the page is not full (nothing before it is pending).
   */
  async read(
    tenantId: string,
    after: bigint,
    filter: ChangeFilter,
    limit: number,
  ): Promise<{ rows: ChangeWithResource[]; next: bigint }> {
    const head = await this.sequencer.stamp(tenantId);
    const rows = await this.prisma.resourceChange.findMany({
      where: { tenantId, seq: { gt: after }, resource: resourceWhere(filter) },
      orderBy: { seq: 'asc' },
      take: limit,
      include: { resource: true },
    });
    const last = rows.length ? rows[rows.length - 1].seq! : after;
    const next = rows.length < limit && head > last ? head : last;
    return { rows, next };
  }

  /** The seq to read after: the cursor's, checked against retention; the oldest retained without one. */
  async startingPoint(tenantId: string, after?: string): Promise<bigint> {
    const feed = await this.prisma.changeFeed.findUnique({ where: { tenantId } });
    const pruned = feed?.prunedThrough ?? 0n;
    if (after === undefined) return pruned;
    const seq = decodeChangeCursor(after);
    if (seq < pruned)
      throw new CursorExpiredError(encodeChangeCursor(pruned), this.config.CHANGE_RETENTION_DAYS);
    return seq;
  }

  /** The cursor of the newest stamped change (where a new reader or destination starts "from now"). */
  async head(tenantId: string): Promise<bigint> {
    return this.sequencer.stamp(tenantId);
  }

  /**
   * Removes changes older than CHANGE_RETENTION_DAYS that every destination of their tenant has
   * delivered (a paused destination's backlog is kept), and remembers how far each feed was cut.
   */
  async pruneExpired(): Promise<number> {
    // A tenant nobody reads still has its changes numbered before retention cuts them.
    const unstamped = await this.prisma.$queryRawUnsafe<{ tenant_id: string }[]>(
      `SELECT DISTINCT tenant_id FROM resource_changes WHERE seq IS NULL`,
    );
    for (const { tenant_id } of unstamped) {
      for (let prev = -1n, head = 0n; head !== prev;)
        [prev, head] = [head, await this.sequencer.stamp(tenant_id)];
    }
    const [out] = await this.prisma.$queryRawUnsafe<{ removed: number }[]>(
      `WITH gone AS (
         DELETE FROM resource_changes c
         WHERE c.seq IS NOT NULL AND c.at < now() - make_interval(days => $1::int)
           AND NOT EXISTS (SELECT 1 FROM destinations d WHERE d.tenant_id = c.tenant_id AND d.cursor < c.seq)
         RETURNING c.tenant_id, c.seq
       ),
       feeds AS (
         INSERT INTO change_feeds AS f (tenant_id, pruned_through)
         SELECT tenant_id, max(seq) FROM gone GROUP BY tenant_id
         ON CONFLICT (tenant_id) DO UPDATE SET pruned_through = greatest(f.pruned_through, excluded.pruned_through)
       )
       SELECT count(*)::int AS removed FROM gone`,
      this.config.CHANGE_RETENTION_DAYS,
    );
    return out.removed;
  }
}

/** The resource side of a change filter, for Prisma. */
export function resourceWhere(filter: ChangeFilter): Prisma.ResourceWhereInput {
  return {
    ...(filter.types?.length ? { type: { in: filter.types } } : {}),
    ...(filter.accountIds?.length ? { accountId: { in: filter.accountIds } } : {}),
    ...(filter.connectionIds?.length ? { connectionId: { in: filter.connectionIds } } : {}),
  };
}
