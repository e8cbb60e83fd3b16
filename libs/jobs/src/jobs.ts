/** BullMQ queue names. Values are persisted in Redis: never rename one lightly. */
export const QUEUES = {
  sync: 'sync',
  delivery: 'delivery',
  events: 'events',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Every job name with its payload. Payloads carry ids only, never state or secrets: the worker
 * reloads what it needs from the database.
 */
export interface JobPayloads {
  /** Plan a run: discover accounts, create its tasks, enqueue them. */
  'sync.run': { tenantId: string; runId: string };
  /** Collect one (account, region, type) task of a run. */
  'sync.task': { tenantId: string; runId: string; taskId: string };
  /** Finish a run once all of its tasks have ended. */
  'sync.finish': { tenantId: string; runId: string };
  /** Deliver a destination's backlog (a wake-up: the cursor and retry state live in Postgres). */
  'delivery.destination': { tenantId: string; destinationId: string };
  /** Remove changes past retention and old delivery history (repeatable). */
  'delivery.prune': Record<string, never>;
  /**
   * Refresh one resource a live event said changed (GetResource → upsert or delete). Deduplicated
   * and debounced per resource key; `eventId`/`eventTime` are the first event's (lag, history).
   */
  'events.refresh': {
    tenantId: string;
    connectionId: string;
    accountId: string;
    region: string;
    type: string;
    identifier: string;
    eventId: string;
    /** ISO time of the event (null when it carried none). */
    eventTime: string | null;
  };
}

export type JobName = keyof JobPayloads;

/** The queue each job goes to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  'sync.run': QUEUES.sync,
  'sync.task': QUEUES.sync,
  'sync.finish': QUEUES.sync,
  'delivery.destination': QUEUES.delivery,
  'delivery.prune': QUEUES.delivery,
  'events.refresh': QUEUES.events,
};
