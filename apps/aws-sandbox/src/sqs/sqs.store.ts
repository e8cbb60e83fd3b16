// Every SQS queue of the sandbox, by (region, account, name). Queue URLs are on the sandbox's own
// origin (`http://host:port/<account>/<name>`) because the SDK sends each call to its QueueUrl's
// origin; the region comes from the caller's signature, as with real regional endpoints.
import { evaluatePolicies, type Decision } from '../iam/access';
import { parsePolicyDocument } from '../iam/policy-document';
import { SqsQueue } from './sqs.queue';
import { sqsErrors } from './sqs.errors';

export type ServiceDelivery = 'delivered' | 'denied' | 'no-such-queue' | 'failed';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export class SqsStore {
  private readonly queues = new Map<string, SqsQueue>();
  /** `http://host:port` of the sandbox (set once it listens). */
  baseUrl = 'http://127.0.0.1:4566';

  urlOf(q: SqsQueue): string {
    return `${this.baseUrl}/${q.accountId}/${q.name}`;
  }

  create(
    accountId: string,
    region: string,
    name: string,
    attributes: Record<string, string>,
    tags?: Record<string, string>,
  ): SqsQueue {
    const base = name.endsWith('.fifo') ? name.slice(0, -5) : name;
    if (!QUEUE_NAME.test(base) || name.length > 80)
      throw sqsErrors.invalidParameter(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    if (attributes.FifoQueue === 'true' && !name.endsWith('.fifo'))
      throw sqsErrors.invalidParameter(
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    const existing = this.queues.get(key(region, accountId, name));
    if (existing) {
      for (const [k, v] of Object.entries(attributes))
        if (existing.attributes[k] !== v) throw sqsErrors.nameExists(k);
      return existing;
    }
    const q = new SqsQueue(accountId, region, name, attributes, tags);
    this.queues.set(key(region, accountId, name), q);
    return q;
  }

  delete(q: SqsQueue): void {
    this.queues.delete(key(q.region, q.accountId, q.name));
    q.purge();
    q.notify();
  }

  get(accountId: string, region: string, name: string): SqsQueue | undefined {
    return this.queues.get(key(region, accountId, name));
  }

  /** A queue by URL (any origin; path `/<account>/<name>`) in the caller's region. */
  byUrl(url: string, region: string): SqsQueue {
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      path = url;
    }
    const [, accountId, name] = path.split('/');
    const q = accountId && name ? this.get(accountId, region, decodeURIComponent(name)) : undefined;
    if (!q) throw sqsErrors.noQueue();
    return q;
  }

  byArn(arn: string): SqsQueue | undefined {
    const [, , service, region, accountId, name] = arn.split(':');
    return service === 'sqs' ? this.get(accountId, region, name) : undefined;
  }

  list(accountId: string, region: string, prefix = ''): SqsQueue[] {
    return [...this.queues.values()]
      .filter((q) => q.accountId === accountId && q.region === region && q.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  all(): SqsQueue[] {
    return [...this.queues.values()];
  }

  /** The queue policy's decision for a request. */
  policyDecision(
    q: SqsQueue,
    action: string,
    principal: Parameters<typeof evaluatePolicies>[2],
    context: Record<string, string | undefined>,
  ): Decision {
    if (!q.policy) return 'none';
    const doc = parsePolicyDocument(q.policy, 'Policy');
    return evaluatePolicies([doc], { action, resource: q.arn, context }, principal);
  }

  /**
   * A service principal (EventBridge) sends a message: allowed only by the queue policy (with
   * `aws:SourceArn` / `aws:SourceAccount`), as for real service deliveries.
   */
  deliverAsService(
    arn: string,
    body: string,
    from: {
      service: string;
      sourceArn: string;
      sourceAccount: string;
      groupId?: string;
      deduplicationId?: string;
    },
  ): ServiceDelivery {
    const q = this.byArn(arn);
    if (!q) return 'no-such-queue';
    const decision = this.policyDecision(
      q,
      'sqs:SendMessage',
      { kind: 'service', service: from.service },
      {
        'aws:SourceArn': from.sourceArn,
        'aws:SourceAccount': from.sourceAccount,
      },
    );
    if (decision !== 'allow') return 'denied';
    try {
      q.send({
        body,
        senderId: 'AIDAIEVENTBRIDGE',
        groupId: q.fifo ? from.groupId : undefined,
        deduplicationId: q.fifo ? from.deduplicationId : undefined,
      });
      return 'delivered';
    } catch {
      return 'failed';
    }
  }

  /** Wakes every long poll (the sandbox is closing). */
  wakeAll(): void {
    for (const q of this.queues.values()) q.notify();
  }

  reset(): void {
    this.wakeAll();
    this.queues.clear();
  }
}

function key(region: string, accountId: string, name: string): string {
  return `${region}/${accountId}/${name}`;
}
