import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type Destination, type PrismaClient } from '@tally/db';
import { Metrics } from '@tally/metrics';
import { toResourceView } from '@tally/tenancy';
import type { DeliveryContext, DeliveryItem, DestinationAdapter, ItemOutcome } from '../adapters/adapter';
import { openSecrets } from '../destinations/destination-secrets';
import { ChangeFeedService, resourceWhere } from '../feed/change-feed.service';
import { toChangeItem } from '../feed/change.view';
import type { NetworkPolicy } from '../net/destination-url';
import { DESTINATION_ADAPTERS, type AdapterRegistry } from './adapter-registry';
import { advanceTo, backoffMs, coalesce, type CoalescedItem } from './coalesce';
import { mapBatch } from './delivery-mapping';
import { DeliveryStateRepository, type BatchResult } from './delivery-state.repository';

type Failed = Extract<ItemOutcome, { ok: false }>;

/** How a run ended: `more` = work left (wake again now), `retryAt` = wake then. */
export interface RunOutcome {
  ran: boolean;
  delivered: number;
  more: boolean;
  retryAt?: Date;
}

/** A run stops taking new batches after this long, so a busy destination yields its slot. */
const RUN_BUDGET_MS = 5000;

/** The network rules from the configuration. */
export function networkPolicy(config: AppConfig): NetworkPolicy {
  return {
    allowPrivate: config.DESTINATIONS_ALLOW_PRIVATE_NETWORKS,
    requireHttps: config.NODE_ENV === 'production',
  };
}

/**
 * Delivers one destination's backlog: backfill first, then the feed from its cursor, batch by
 * batch, under a lease. It knows adapters only through their one interface.
 */
@Injectable()
export class DeliveryEngine {
  private readonly logger = new Logger('delivery');

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChangeFeedService) private readonly feed: ChangeFeedService,
    @Inject(DeliveryStateRepository) private readonly state: DeliveryStateRepository,
    @Inject(DESTINATION_ADAPTERS) private readonly adapters: AdapterRegistry,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /** A lease long enough for one batch at the worst (every request timing out). */
  leaseMs(): number {
    const waves = Math.ceil(this.config.DELIVERY_BATCH_SIZE / 16) + 1;
    const timeout = this.config.DELIVERY_TIMEOUT_MS;
    return timeout * waves + Math.min(5000, timeout);
  }

  /** Runs the destination if it is due and free; a no-op otherwise (another worker has it). */
  async run(destinationId: string, owner = randomUUID()): Promise<RunOutcome> {
    const leaseMs = this.leaseMs();
    const dest = await this.state.claim(destinationId, owner, leaseMs);
    if (!dest)
      return { ran: false, delivered: 0, more: false, retryAt: await this.state.retryTime(destinationId) };
    const started = Date.now();
    let delivered = 0;
    let current = dest;
    try {
      for (;;) {
        const step = await this.deliverBatch(current, owner, leaseMs);
        delivered += step.delivered;
        if (step.retryAt) return { ran: true, delivered, more: false, retryAt: step.retryAt };
        if (!step.progressed || step.lost) return { ran: true, delivered, more: false };
        if (Date.now() - started > RUN_BUDGET_MS) return { ran: true, delivered, more: true };
        const next = await this.prisma.destination.findUnique({ where: { id: destinationId } });
        if (!next) return { ran: true, delivered, more: false };
        current = next;
      }
    } finally {
      await this.state.release(destinationId, owner);
    }
  }

  private async deliverBatch(
    dest: Destination,
    owner: string,
    leaseMs: number,
  ): Promise<{ delivered: number; progressed: boolean; retryAt?: Date; lost?: boolean }> {
    const work = dest.backfillPending ? await this.backfillBatch(dest) : await this.feedBatch(dest);
    if (!work.items.length && !work.backfillDone && work.next === dest.cursor)
      return { delivered: 0, progressed: false };
    const started = Date.now();
    const { outcomes, skipped } = work.items.length
      ? await this.send(
          dest,
          work.items.map((i) => i.item),
        )
      : { outcomes: [], skipped: null };
    const failedFlags = outcomes.map((o) => !o.ok);
    const failures = outcomes.filter((o): o is Failed => !o.ok);
    const firstFailure = failures[0];
    const result: BatchResult = {
      destinationId: dest.id,
      tenantId: dest.tenantId,
      owner,
      leaseMs,
      cursor: dest.backfillPending ? dest.cursor : advanceTo(work.items, failedFlags, dest.cursor, work.next),
      changes: work.items.length,
      delivered: outcomes.filter((o) => o.ok).length,
      firstCursor: work.items[0]?.covers[0] ?? null,
      lastCursor: work.items.at(-1)?.covers.at(-1) ?? null,
      durationMs: Date.now() - started,
      notes: skipped,
    };
    if (dest.backfillPending && !firstFailure) {
      result.backfillAfter = work.items.at(-1)?.item.resource.id ?? dest.backfillAfter;
      result.backfillDone = work.backfillDone;
    }
    if (firstFailure) Object.assign(result, this.failure(dest, failures));
    if (!(await this.state.record(result))) return { delivered: 0, progressed: false, lost: true };
    const now = Date.now();
    this.metrics.deliveryBatch(
      dest.kind,
      result.delivered,
      outcomes.length - result.delivered,
      dest.backfillPending
        ? []
        : work.items.filter((_, i) => outcomes[i].ok).map((it) => (now - it.item.at.getTime()) / 1000),
    );
    if (firstFailure) {
      this.logger.warn(
        {
          destinationId: dest.id,
          tenantId: dest.tenantId,
          attempt: dest.attempts + 1,
          error: firstFailure.error,
        },
        'delivery failed',
      );
      return {
        delivered: result.delivered,
        progressed: false,
        retryAt: result.status === 'paused' ? undefined : result.nextAttemptAt,
      };
    }
    return { delivered: result.delivered, progressed: true };
  }

  /**
   * The state after a failed batch: backoff, then `failing`, then `paused`; a 410 or a customer error
   * (`pause`) pauses at once; a rate limit waits as long as the endpoint asked, without escalating.
   */
  private failure(dest: Destination, failures: Failed[]): Partial<BatchResult> {
    const attempt = dest.attempts + 1;
    const c = this.config;
    const gone = failures.find((f) => f.gone);
    if (gone) {
      return {
        error: `${gone.error}. The endpoint says it is gone (410), so delivery is disabled: fix the URL, then resume the destination.`,
        status: 'paused',
      };
    }
    const stop = failures.find((f) => f.pause);
    if (stop) {
      return {
        error: `${stop.error}. Delivery is paused and the backlog kept: resume the destination once this is fixed.`,
        status: 'paused',
      };
    }
    const f = failures[0];
    const waits = failures.map((x) => x.retryAfterMs ?? 0);
    if (failures.every((x) => x.retryAfterMs !== undefined)) {
      return {
        error: f.error,
        status: dest.status,
        nextAttemptAt: new Date(Date.now() + Math.max(...waits)),
        keepAttempts: true,
      };
    }
    const status =
      attempt >= c.DELIVERY_PAUSE_AFTER
        ? 'paused'
        : attempt >= c.DELIVERY_FAILING_AFTER
          ? 'failing'
          : dest.status;
    const error =
      status === 'paused'
        ? `${f.error}. Paused after ${attempt} failed attempts; the backlog is kept: fix the endpoint, then resume the destination.`
        : f.error;
    const nextAttemptAt = new Date(
      Date.now() + Math.max(backoffMs(attempt, c.DELIVERY_BACKOFF_MS, c.DELIVERY_BACKOFF_MAX_MS), ...waits),
    );
    return { error, status: status as BatchResult['status'], nextAttemptAt };
  }

  /**
   * Maps the batch (when the destination has a mapping), then calls the kind's adapter; an adapter
   * that throws fails the whole batch with its message.
   */
  private async send(
    dest: Destination,
    items: DeliveryItem[],
  ): Promise<{ outcomes: ItemOutcome[]; skipped: string | null }> {
    const adapter = this.adapterFor(dest);
    try {
      const mapped = await mapBatch(dest, items);
      return { outcomes: await adapter.deliver(mapped.items, this.context(dest)), skipped: mapped.skipped };
    } catch (err) {
      return {
        outcomes: items.map(() => ({ ok: false as const, error: (err as Error).message })),
        skipped: null,
      };
    }
  }

  adapterFor(dest: Pick<Destination, 'kind'>): DestinationAdapter {
    const adapter = this.adapters[dest.kind];
    if (!adapter) throw new Error(`no adapter for destination kind ${dest.kind}`);
    return adapter;
  }

  /** What an adapter needs; the secrets are decrypted here, in memory only. */
  context(dest: Destination): DeliveryContext {
    return {
      destination: {
        id: dest.id,
        tenantId: dest.tenantId,
        name: dest.name,
        config: dest.config as Record<string, unknown>,
      },
      secrets: openSecrets(dest.secretsCipher, this.config.keyEncryptionKey, dest.id),
      policy: networkPolicy(this.config),
      timeoutMs: this.config.DELIVERY_TIMEOUT_MS,
    };
  }

  private async feedBatch(
    dest: Destination,
  ): Promise<{ items: CoalescedItem[]; next: bigint; backfillDone?: boolean }> {
    const page = await this.feed.read(
      dest.tenantId,
      dest.cursor,
      filterOf(dest),
      this.config.DELIVERY_BATCH_SIZE,
    );
    return {
      items: coalesce(page.rows.map((r) => ({ item: toChangeItem(r), seq: r.seq! }))),
      next: page.next,
    };
  }

  /** The next page of the current inventory, as `created` changes. */
  private async backfillBatch(
    dest: Destination,
  ): Promise<{ items: CoalescedItem[]; next: bigint; backfillDone: boolean }> {
    const limit = this.config.DELIVERY_BATCH_SIZE;
    const rows = await this.prisma.resource.findMany({
      where: {
        tenantId: dest.tenantId,
        deletedAt: null,
        ...resourceWhere(filterOf(dest)),
        ...(dest.backfillAfter ? { id: { gt: dest.backfillAfter } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit,
    });
    const items = rows.map((r) => ({
      item: {
        id: `backfill_${dest.id.slice(0, 8)}_${r.id}`,
        cursor: '',
        kind: 'created' as const,
        at: r.updatedAt,
        source: 'sync' as const,
        runId: r.lastRunId,
        eventId: null,
        changedFields: [],
        resource: toResourceView(r),
      },
      covers: [],
    }));
    return { items, next: dest.cursor, backfillDone: rows.length < limit };
  }
}

function filterOf(dest: Destination) {
  return (dest.filter ?? {}) as { types?: string[]; accountIds?: string[]; connectionIds?: string[] };
}
