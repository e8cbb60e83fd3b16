import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ChangeNotifier, DeliveryStateRepository, wakeDestination } from '@tally/delivery';
import { JobQueueService } from '@tally/jobs';

/** Commits of one tenant within this window wake its destinations once. */
const DEBOUNCE_MS = 25;
/** The safety net: destinations with work and no job (missed notification, lapsed lease) wake within this. */
const SWEEP_MS = 5000;
const SWEEP_NAME = 'delivery-sweep';

/**
 * Turns committed changes into delivery wake-ups: the change_feed NOTIFY wakes the tenant's
 * destinations at once; a periodic sweep catches whatever a notification missed.
 */
@Injectable()
export class DeliveryWaker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('delivery');
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private unsubscribe?: () => void;
  private sweeping = false;

  constructor(
    @Inject(ChangeNotifier) private readonly notifier: ChangeNotifier,
    @Inject(DeliveryStateRepository) private readonly state: DeliveryStateRepository,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
    @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.notifier.onAny((tenantId) => this.debounce(tenantId));
    this.registry.addInterval(
      SWEEP_NAME,
      setInterval(() => void this.sweep(), SWEEP_MS),
    );
    await this.jobs
      .queue('delivery')
      .upsertJobScheduler('delivery-prune', { every: 3_600_000 }, { name: 'delivery.prune', data: {} });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  private debounce(tenantId: string): void {
    if (this.pending.has(tenantId)) return;
    this.pending.set(
      tenantId,
      setTimeout(() => {
        this.pending.delete(tenantId);
        void this.wakeTenant(tenantId);
      }, DEBOUNCE_MS),
    );
  }

  /** Wakes every deliverable destination of a tenant. */
  async wakeTenant(tenantId: string): Promise<void> {
    try {
      const dests = await this.state.deliverable(tenantId);
      await Promise.all(dests.map((d) => wakeDestination(this.jobs, d)));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, tenantId }, 'could not wake destinations');
    }
  }

  /** Wakes destinations that have work but may have no job. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const due = await this.state.due();
      await Promise.all(due.map((d) => wakeDestination(this.jobs, d)));
      return due.length;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'delivery sweep failed');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }
}
