import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AwsClients, AwsCredentialsService, SUPPORTED_RESOURCE_TYPES } from '@tally/aws';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type PrismaClient } from '@tally/db';
import { JobQueueService, type JobPayloads } from '@tally/jobs';
import { homeRegionOf, liveEventNames } from '@tally/onboarding';
import { EventConsumer, refreshJobId, type BatchOutcome, type ConsumedConnection } from './event-consumer';
import { EventLeaseRepository, type LeasedStream } from './event-lease.repository';

/** After a failed poll (queue missing, access denied, SQS down): wait before trying again. */
const ERROR_BACKOFF_MS = 15_000;

interface Running {
  stream: LeasedStream;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Runs this worker's share of live-event consumers: every third of a lease it claims free or
 * expired leases (Postgres, SKIP LOCKED), renews its own, and stops the consumers whose lease it
 * lost or whose connection no longer wants live events. A dead worker's connections are taken over
 * once its leases expire.
 */
@Injectable()
export class LiveEventsSupervisor implements OnModuleDestroy {
  private readonly logger = new Logger('live-events');
  readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, Running>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  /** Observers of each batch (metrics). */
  readonly batchListeners: ((stream: LeasedStream, outcome: BatchOutcome) => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    private readonly leases: EventLeaseRepository,
    private readonly credentials: AwsCredentialsService,
    private readonly aws: AwsClients,
    private readonly jobs: JobQueueService,
  ) {}

  /** Starts claiming leases (the worker calls it at boot when LIVE_EVENTS_ENABLED). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.ticking = this.tick().catch((err: unknown) =>
        this.logger.error({ err }, 'live-event lease tick failed'),
      );
    };
    tick();
    this.timer = setInterval(tick, Math.max(250, Math.floor(this.config.LIVE_EVENTS_LEASE_MS / 3)));
    this.timer.unref();
  }

  /** Connection ids this worker consumes now. */
  streams(): string[] {
    return [...this.running.keys()];
  }

  /** Claims, renews and stops consumers once. */
  async tick(): Promise<void> {
    const leaseMs = this.config.LIVE_EVENTS_LEASE_MS;
    const held = await this.leases.renew(this.owner, this.streams(), leaseMs);
    for (const id of this.streams()) if (!held.has(id)) this.stopOne(id);
    const room = this.config.LIVE_EVENTS_MAX_STREAMS - this.running.size;
    if (room <= 0) return;
    for (const stream of await this.leases.claim(this.owner, leaseMs, room)) {
      if (!this.running.has(stream.connectionId)) this.startOne(stream);
    }
  }

  /** Stops every consumer and gives their leases up, so another worker takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    const ids = this.streams();
    await Promise.all(ids.map((id) => this.stopOne(id)));
    await Promise.all(ids.map((id) => this.leases.release(this.owner, id).catch(() => undefined)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private startOne(stream: LeasedStream): void {
    const abort = new AbortController();
    const done = this.consume(stream, abort.signal).finally(() => this.running.delete(stream.connectionId));
    this.running.set(stream.connectionId, { stream, abort, done });
  }

  private stopOne(connectionId: string): Promise<void> {
    const r = this.running.get(connectionId);
    if (!r) return Promise.resolve();
    r.abort.abort();
    return r.done;
  }

  private async consume(stream: LeasedStream, signal: AbortSignal): Promise<void> {
    let consumer: EventConsumer | undefined;
    try {
      while (!signal.aborted) {
        const connection = await this.load(stream);
        if (!connection) return;
        consumer ??= new EventConsumer(
          this.aws,
          this.credentials.forAccount({
            tenantId: stream.tenantId,
            connectionId: stream.connectionId,
            accountId: connection.homeAccountId,
            roleName: connection.roleName,
          }),
          (jobs) => this.enqueue(jobs),
          {
            waitSeconds: this.config.LIVE_EVENTS_WAIT_SECONDS,
            maxMessages: 10,
            visibilityTimeoutSeconds: 120,
          },
        );
        try {
          const outcome = await consumer.pollOnce(connection, signal);
          await this.leases.record(stream.tenantId, stream.connectionId, { ...outcome, lastError: null });
          for (const listen of this.batchListeners) listen(stream, outcome);
        } catch (err) {
          if (signal.aborted) return;
          const message = (err as Error).message;
          this.logger.warn({ connectionId: stream.connectionId, err: message }, 'live-event poll failed');
          await this.leases
            .record(stream.tenantId, stream.connectionId, {
              received: 0,
              ignored: 0,
              refreshes: 0,
              malformed: 0,
              lastError: `${(err as Error).name}: ${message}`,
            })
            .catch(() => undefined);
          await sleep(ERROR_BACKOFF_MS, undefined, { signal }).catch(() => undefined);
        }
      }
    } finally {
      consumer?.destroy();
    }
  }

  /** The connection as the consumer needs it, or null when it no longer wants live events. */
  private async load(stream: LeasedStream): Promise<(ConsumedConnection & { roleName: string }) | null> {
    const c = await this.prisma.connection.findFirst({
      where: { tenantId: stream.tenantId, id: stream.connectionId, liveEvents: true, status: 'active' },
      include: { accounts: { where: { status: 'active' }, select: { accountId: true } } },
    });
    if (!c) return null;
    return {
      tenantId: c.tenantId,
      connectionId: c.id,
      roleName: c.roleName,
      homeAccountId: c.accountId,
      homeRegion: homeRegionOf(c, this.config.AWS_REGION),
      queueName: liveEventNames(c.id).queue,
      accountIds: new Set([c.accountId, ...c.accounts.map((a) => a.accountId)]),
      regions: new Set(c.regions),
      // No types listed = every supported type (as the sync plans it).
      resourceTypes: new Set(c.resourceTypes.length ? c.resourceTypes : SUPPORTED_RESOURCE_TYPES),
    };
  }

  /** One bulk add: resolves once Redis holds every job (deduplicated and debounced per resource). */
  private async enqueue(jobs: JobPayloads['events.refresh'][]): Promise<void> {
    await this.jobs.enqueueBulk(
      'events.refresh',
      jobs.map((data) => ({
        data,
        opts: {
          delay: this.config.LIVE_EVENTS_DEBOUNCE_MS,
          // One job per resource while one waits; an event during a running refresh queues one more.
          deduplication: { id: refreshJobId(data), keepLastIfActive: true },
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }
}
