import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { SyncSchedulerService } from '@tally/sync';

const INTERVAL_NAME = 'sync-scheduler';

/**
 * Every SCHEDULER_INTERVAL_SECONDS (when SCHEDULER_ENABLED): claim due connections and enqueue their
 * runs. Stops in the first shutdown phase, so a draining replica claims nothing new.
 */
@Injectable()
export class SyncSchedulerCron implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('scheduler');
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry,
    @Inject(SyncSchedulerService) private readonly scheduler: SyncSchedulerService,
  ) {}

  onApplicationBootstrap(): void {
    const { SCHEDULER_ENABLED: enabled, SCHEDULER_INTERVAL_SECONDS: intervalSeconds } = this.config;
    this.logger.log(
      { component: 'scheduler', enabled, intervalSeconds },
      enabled ? 'scheduler enabled' : 'scheduler disabled',
    );
    if (!enabled) return;
    this.registry.addInterval(
      INTERVAL_NAME,
      setInterval(() => void this.tick(), intervalSeconds * 1000),
    );
  }

  /** One tick; a tick still running makes the next one a no-op in this process. */
  tick(): Promise<void> {
    return (this.running ??= this.claimDue().finally(() => (this.running = undefined)));
  }

  async onModuleDestroy(): Promise<void> {
    const enabled = this.registry.doesExist('interval', INTERVAL_NAME);
    if (enabled) this.registry.deleteInterval(INTERVAL_NAME);
    await this.running;
    this.logger.log({ component: 'scheduler', stopped: enabled }, 'scheduler stopped claiming connections');
  }

  private async claimDue(): Promise<void> {
    const started = Date.now();
    try {
      const r = await this.scheduler.tick();
      if (r.claimed || r.repaired) this.logger.log({ ...r, ms: Date.now() - started }, 'scheduler tick');
    } catch (err) {
      this.logger.error({ err }, 'scheduler tick failed');
    }
  }
}
