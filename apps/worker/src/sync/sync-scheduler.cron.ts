import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { SyncSchedulerService } from '@tally/sync';

const INTERVAL_NAME = 'sync-scheduler';

/** Every SCHEDULER_INTERVAL_SECONDS (when SCHEDULER_ENABLED): claim due connections and enqueue their runs. */
@Injectable()
export class SyncSchedulerCron implements OnApplicationBootstrap {
  private readonly logger = new Logger('scheduler');
  private ticking = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry,
    @Inject(SyncSchedulerService) private readonly scheduler: SyncSchedulerService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) return;
    this.registry.addInterval(
      INTERVAL_NAME,
      setInterval(() => void this.tick(), this.config.SCHEDULER_INTERVAL_SECONDS * 1000),
    );
  }

  /** One tick; a tick still running makes the next one a no-op in this process. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const started = Date.now();
    try {
      const r = await this.scheduler.tick();
      if (r.claimed || r.repaired) this.logger.log({ ...r, ms: Date.now() - started }, 'scheduler tick');
    } catch (err) {
      this.logger.error({ err }, 'scheduler tick failed');
    } finally {
      this.ticking = false;
    }
  }
}
