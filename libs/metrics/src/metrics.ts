import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome of one sync task, as counted (more specific than the task's stored status). */
export type TaskOutcome =
  'succeeded' | 'failed' | 'unsupported' | 'denied' | 'skipped' | 'throttled-retry' | 'superseded';
/** What a repair pass did to work that lost its job (Redis forgot it) or stopped moving. */
export type RepairAction = 'reenqueued' | 'finished' | 'abandoned';
/** Outcome of one run. */
export type RunOutcome = 'succeeded' | 'partial' | 'failed';
/** Outcome of one logical AWS call (after the SDK's own retries). */
export type AwsCallOutcome =
  'ok' | 'throttled' | 'denied' | 'client_error' | 'server_error' | 'network_error';
/** What happened to resources of one type in one task. */
export interface ResourceCounts {
  ingested?: number;
  created?: number;
  updated?: number;
  deleted?: number;
}

/** Job counts of one queue, read at scrape time. */
export type QueueCounts = Record<string, Record<string, number>>;
/** Scheduler backlog, read at scrape time. */
export interface SchedulerLag {
  lagSeconds: number;
  due: number;
}

/** Values that are cheap to read on demand and pointless to track continuously. */
export interface ScrapeSources {
  queues?: () => Promise<QueueCounts>;
  schedulerLag?: () => Promise<SchedulerLag>;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600];

/**
 * An application's Prometheus metrics (MetricsModule provides one per application; whatever records
 * into it gets it injected). Labels stay low-cardinality on purpose: no tenant, account,
 * connection or run ids (those live in the database and the logs), only bounded enums and names.
 */
export class Metrics {
  readonly registry: Registry;
  private readonly sources: ScrapeSources = {};

  readonly syncRuns: Counter<'outcome'>;
  readonly syncRunDuration: Histogram<'outcome'>;
  readonly syncTasks: Counter<'outcome'>;
  readonly syncResources: Counter<'type' | 'change'>;
  readonly awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  readonly awsCallDuration: Histogram<'service' | 'operation'>;
  readonly awsThrottles: Counter<'service'>;
  readonly stsAssumptions: Counter<'outcome'>;
  readonly credentialCacheLookups: Counter<'result'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly schedulerLagSeconds: Gauge;
  readonly schedulerDue: Gauge;
  readonly scrapeErrors: Counter<'source'>;
  readonly deliveries: Counter<'kind' | 'outcome'>;
  readonly deliveryRetries: Counter<'kind'>;
  readonly deliveryLagSeconds: Histogram<'kind'>;
  readonly liveEvents: Counter<'outcome'>;
  readonly liveEventRefreshes: Counter<'outcome'>;
  readonly liveEventLagSeconds: Histogram;
  readonly repairs: Counter<'kind' | 'action'>;
  readonly withoutProgress: Gauge<'kind'>;

  constructor(options: { registry?: Registry; defaultMetrics?: boolean } = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.syncRuns = new Counter({
      name: 'tally_sync_runs_total',
      help: 'Finished sync runs by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.syncRunDuration = new Histogram({
      name: 'tally_sync_run_duration_seconds',
      help: 'Wall time of finished sync runs, from start to finish.',
      labelNames: ['outcome'],
      buckets: RUN_BUCKETS,
      registers,
    });
    this.syncTasks = new Counter({
      name: 'tally_sync_tasks_total',
      help: 'Ended sync task attempts by outcome (throttled-retry: given back to the queue to retry later; superseded: a second execution of the same task took over).',
      labelNames: ['outcome'],
      registers,
    });
    this.syncResources = new Counter({
      name: 'tally_sync_resources_total',
      help: 'Resources ingested, created, updated and deleted by the sync, by resource type.',
      labelNames: ['type', 'change'],
      registers,
    });
    this.awsCalls = new Counter({
      name: 'tally_aws_calls_total',
      help: 'AWS API calls (after the SDK retries) by service, operation and outcome.',
      labelNames: ['service', 'operation', 'outcome'],
      registers,
    });
    this.awsCallDuration = new Histogram({
      name: 'tally_aws_call_duration_seconds',
      help: 'Latency of AWS API calls including SDK retries.',
      labelNames: ['service', 'operation'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.awsThrottles = new Counter({
      name: 'tally_aws_throttles_total',
      help: 'Throttled AWS responses (each attempt, including ones the SDK retried).',
      labelNames: ['service'],
      registers,
    });
    this.stsAssumptions = new Counter({
      name: 'tally_sts_assume_role_total',
      help: 'AssumeRoleWithWebIdentity calls by outcome (ok or the error class).',
      labelNames: ['outcome'],
      registers,
    });
    this.credentialCacheLookups = new Counter({
      name: 'tally_credential_cache_lookups_total',
      help: 'Session-credential cache lookups by result (hit, miss).',
      labelNames: ['result'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'tally_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const sources = this.sources;
    // Resolved lazily: the counter is created after the gauges that report into it. Metrics are
    // collected in parallel, so a failed read shows in the next scrape.
    const errors = { inc: (labels: { source: string }) => this.scrapeErrors.inc(labels) };
    this.queueJobs = new Gauge({
      name: 'tally_queue_jobs',
      help: 'BullMQ jobs by queue and state (read from Redis at scrape time; the same on every replica).',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        if (!sources.queues) return;
        const read = await sources
          .queues()
          .catch(() => (errors.inc({ source: 'queues' }), {} as QueueCounts));
        for (const [queue, counts] of Object.entries(read)) {
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      },
    });
    // The registry starts every collect in the same tick: both scheduler gauges share one query per scrape.
    let lagRead: Promise<SchedulerLag> | undefined;
    const readLag = (read: () => Promise<SchedulerLag>) =>
      (lagRead ??= read()
        .catch(() => {
          errors.inc({ source: 'scheduler' });
          return { lagSeconds: Number.NaN, due: Number.NaN };
        })
        .finally(() => (lagRead = undefined)));
    this.schedulerDue = new Gauge({
      name: 'tally_scheduler_due_connections',
      help: 'Connections the scheduler may claim whose nextSyncAt has passed; read from PostgreSQL at scrape time.',
      registers,
      async collect() {
        if (sources.schedulerLag) this.set((await readLag(sources.schedulerLag)).due);
      },
    });
    this.schedulerLagSeconds = new Gauge({
      name: 'tally_scheduler_lag_seconds',
      help: 'now - the oldest due nextSyncAt (0 when nothing is due); read from PostgreSQL at scrape time.',
      registers,
      async collect() {
        if (sources.schedulerLag) this.set((await readLag(sources.schedulerLag)).lagSeconds);
      },
    });
    this.repairs = new Counter({
      name: 'tally_repairs_total',
      help: 'Repairs made by the repair pass, by kind of work and action (reenqueued: its job was missing from Redis; finished: its end was never enqueued; abandoned: no progress past the bound, ended failed).',
      labelNames: ['kind', 'action'],
      registers,
    });
    this.withoutProgress = new Gauge({
      name: 'tally_without_progress',
      help: "Work in flight that made no progress for the repair pass's grace period, as this replica's last repair pass found it.",
      labelNames: ['kind'],
      registers,
    });
    this.scrapeErrors = new Counter({
      name: 'tally_scrape_errors_total',
      help: 'Scrape-time readers (queues, scheduler) that failed; their gauges are left empty.',
      labelNames: ['source'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'tally_deliveries_total',
      help: 'Changes handed to destinations, by destination kind and outcome (delivered / failed).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.deliveryRetries = new Counter({
      name: 'tally_delivery_retries_total',
      help: 'Failed delivery batches that were scheduled to retry, by destination kind.',
      labelNames: ['kind'],
      registers,
    });
    this.deliveryLagSeconds = new Histogram({
      name: 'tally_delivery_lag_seconds',
      help: 'From a change being recorded to its successful delivery, by destination kind.',
      labelNames: ['kind'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.liveEvents = new Counter({
      name: 'tally_live_events_total',
      help: 'Queue messages by outcome: received (an event), ignored (failed call, unknown event, uncovered), malformed (not an event: left for the DLQ).',
      labelNames: ['outcome'],
      registers,
    });
    this.liveEventRefreshes = new Counter({
      name: 'tally_live_event_refreshes_total',
      help: 'Targeted refreshes by outcome (created, updated, unchanged, deleted, absent, stale, skipped, failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.liveEventLagSeconds = new Histogram({
      name: 'tally_live_event_lag_seconds',
      help: "From a change's event time to the inventory holding it (refreshes that wrote a change).",
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  /** Plugs in the readers behind the scrape-time gauges. */
  setSources(sources: ScrapeSources): void {
    Object.assign(this.sources, sources);
  }

  /** Unplugs these readers, unless another owner has replaced them since. */
  removeSources(sources: ScrapeSources): void {
    for (const key of Object.keys(sources) as (keyof ScrapeSources)[]) {
      if (this.sources[key] === sources[key]) delete this.sources[key];
    }
  }

  /** A finished run and how long it took. */
  syncRun(outcome: RunOutcome, seconds: number): void {
    this.syncRuns.inc({ outcome });
    this.syncRunDuration.observe({ outcome }, seconds);
  }

  /** One task attempt ended. */
  taskFinished(outcome: TaskOutcome): void {
    this.syncTasks.inc({ outcome });
  }

  /** What one task did to resources of `type`; zeros are skipped. */
  resources(type: string, counts: ResourceCounts): void {
    for (const change of ['ingested', 'created', 'updated', 'deleted'] as const) {
      const n = counts[change] ?? 0;
      if (n > 0) this.syncResources.inc({ type, change }, n);
    }
  }

  /** What one repair pass found and did for one kind of work. */
  repaired(kind: string, found: { withoutProgress: number } & Partial<Record<RepairAction, number>>): void {
    this.withoutProgress.set({ kind }, found.withoutProgress);
    for (const action of ['reenqueued', 'finished', 'abandoned'] as const) {
      const n = found[action] ?? 0;
      if (n > 0) this.repairs.inc({ kind, action }, n);
    }
  }

  /** One logical AWS call (the SDK middleware of @tally/aws calls this). */
  awsCall(service: string, operation: string, outcome: AwsCallOutcome, seconds: number): void {
    this.awsCalls.inc({ service, operation, outcome });
    this.awsCallDuration.observe({ service, operation }, seconds);
  }

  /** One throttled response from `service`. */
  throttled(service: string): void {
    this.awsThrottles.inc({ service });
  }

  /** One AssumeRoleWithWebIdentity result: 'ok' or a short error class (e.g. the Tally error code). */
  stsAssume(outcome: string): void {
    this.stsAssumptions.inc({ outcome });
  }

  /** One delivery batch: how many changes each outcome had, lag of the delivered ones, a retry if it failed. */
  deliveryBatch(kind: string, delivered: number, failed: number, lagSeconds: number[]): void {
    if (delivered) this.deliveries.inc({ kind, outcome: 'delivered' }, delivered);
    if (failed) {
      this.deliveries.inc({ kind, outcome: 'failed' }, failed);
      this.deliveryRetries.inc({ kind });
    }
    for (const s of lagSeconds) this.deliveryLagSeconds.observe({ kind }, s);
  }

  /** One consumer batch's message counts. */
  liveEventBatch(counts: { received: number; ignored: number; malformed: number }): void {
    for (const outcome of ['received', 'ignored', 'malformed'] as const)
      if (counts[outcome]) this.liveEvents.inc({ outcome }, counts[outcome]);
  }

  /** One refresh's outcome, and (when it wrote a change) the lag from the event's time. */
  liveEventRefresh(outcome: string, lagSeconds?: number): void {
    this.liveEventRefreshes.inc({ outcome });
    if (lagSeconds !== undefined) this.liveEventLagSeconds.observe(Math.max(0, lagSeconds));
  }

  /** One credential-cache lookup. */
  credentialCache(hit: boolean): void {
    this.credentialCacheLookups.inc({ result: hit ? 'hit' : 'miss' });
  }

  /** One HTTP request served (route is the template, e.g. /v1/tenants/:tenantId). */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** The exposition: Prometheus text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
