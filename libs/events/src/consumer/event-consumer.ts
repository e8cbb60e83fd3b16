// One live connection's queue consumer: long polls (20 s, 10 messages), turns each event into
// refresh jobs, and deletes a message only after its refreshes are durably enqueued. A body that is
// not an event is left alone: SQS's redrive moves it to the DLQ after maxReceiveCount receives.
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClients } from '@tally/aws';
import type { JobPayloads } from '@tally/jobs';
import { extractResources, parseEnvelope, refKey, type ResourceRef } from '../extract/event-extract';
import type { StreamCounts } from './event-lease.repository';

/** What the consumer needs to know about its connection (reloaded every batch). */
export interface ConsumedConnection {
  tenantId: string;
  connectionId: string;
  /** The account holding the queue (the connection's account, or the management account). */
  homeAccountId: string;
  homeRegion: string;
  queueName: string;
  /** The (account, region) pairs this connection covers: events elsewhere are ignored. */
  accountIds: ReadonlySet<string>;
  regions: ReadonlySet<string>;
  resourceTypes: ReadonlySet<string>;
}

/** Enqueues refresh jobs; resolves only once the queue (Redis) has accepted every one. */
export type RefreshEnqueuer = (jobs: JobPayloads['events.refresh'][]) => Promise<void>;

export interface ConsumerOptions {
  waitSeconds: number;
  maxMessages: number;
  /** How long a received message stays hidden: longer than a batch takes to process. */
  visibilityTimeoutSeconds: number;
}

export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = {
  waitSeconds: 20,
  maxMessages: 10,
  visibilityTimeoutSeconds: 120,
};

/** One batch's outcome. */
export interface BatchOutcome extends StreamCounts {
  deleted: number;
  /** Lag per event from its time to now (ms), for the lag histogram. */
  lagsMs: number[];
}

/** Polls one connection's queue; `pollOnce` handles one ReceiveMessage worth of messages. */
export class EventConsumer {
  private client?: SQSClient;
  private queueUrl?: string;

  constructor(
    private readonly aws: AwsClients,
    private readonly credentials: AwsCredentialIdentityProvider,
    private readonly enqueue: RefreshEnqueuer,
    private readonly options: ConsumerOptions = DEFAULT_CONSUMER_OPTIONS,
  ) {}

  /** One long poll and its messages. Throws when SQS or the enqueue fails (nothing is deleted then). */
  async pollOnce(connection: ConsumedConnection, signal?: AbortSignal): Promise<BatchOutcome> {
    const client = this.sqs(connection.homeRegion);
    const queueUrl = await this.url(client, connection.queueName, connection.homeAccountId);
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.options.maxMessages,
        WaitTimeSeconds: this.options.waitSeconds,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      { abortSignal: signal },
    );
    const messages = received.Messages ?? [];
    const outcome: BatchOutcome = {
      received: 0,
      ignored: 0,
      refreshes: 0,
      malformed: 0,
      deleted: 0,
      lagsMs: [],
    };
    const done: Message[] = [];
    const jobs = new Map<string, JobPayloads['events.refresh']>();
    for (const message of messages) {
      const handled = this.handle(connection, message, outcome);
      if (!handled) continue;
      done.push(message);
      for (const job of handled) jobs.set(refKey(job), job);
    }
    // Durably enqueued first; only then may SQS forget the messages (a crash in between only
    // re-delivers them, and a refresh is idempotent).
    if (jobs.size) await this.enqueue([...jobs.values()]);
    outcome.refreshes = jobs.size;
    outcome.deleted = await this.delete(client, queueUrl, done);
    return outcome;
  }

  /** Closes the SDK client. */
  destroy(): void {
    this.client?.destroy();
    this.client = undefined;
  }

  /** The refresh jobs of one message; null = not an event (leave it for the redrive). */
  private handle(
    c: ConsumedConnection,
    message: Message,
    outcome: BatchOutcome,
  ): JobPayloads['events.refresh'][] | null {
    const envelope = parseEnvelope(message.Body);
    if (!envelope) {
      outcome.malformed += 1;
      return null;
    }
    outcome.received += 1;
    const extracted = extractResources(envelope);
    if (extracted.outcome === 'ignored') {
      outcome.ignored += 1;
      return [];
    }
    const covered = extracted.resources.filter((r) => covers(c, r));
    if (!covered.length) {
      outcome.ignored += 1;
      return [];
    }
    if (extracted.eventTime) {
      outcome.lastEventAt = extracted.eventTime;
      outcome.lagsMs.push(Date.now() - extracted.eventTime.getTime());
    }
    return covered.map((r) => ({
      tenantId: c.tenantId,
      connectionId: c.connectionId,
      ...r,
      eventId: extracted.eventId,
      eventTime: extracted.eventTime?.toISOString() ?? null,
    }));
  }

  private async delete(client: SQSClient, queueUrl: string, messages: Message[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const out = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      deleted += out.Successful?.length ?? 0;
    }
    return deleted;
  }

  private sqs(region: string): SQSClient {
    // A long poll holds the request up to 20 s: the timeout leaves it room.
    this.client ??= this.aws.sqs(region, this.credentials, (this.options.waitSeconds + 10) * 1000);
    return this.client;
  }

  private async url(client: SQSClient, queueName: string, accountId: string): Promise<string> {
    this.queueUrl ??= (
      await client.send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }))
    ).QueueUrl!;
    return this.queueUrl;
  }
}

/** True when the connection collects this resource's account, region and type. */
function covers(c: ConsumedConnection, r: ResourceRef): boolean {
  return c.accountIds.has(r.accountId) && c.regions.has(r.region) && c.resourceTypes.has(r.type);
}

/** A resource key unique across connections (the refresh's deduplication id). */
export function refreshJobId(job: JobPayloads['events.refresh']): string {
  return `${job.connectionId}/${refKey(job)}`;
}
