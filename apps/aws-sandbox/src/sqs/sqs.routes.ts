// Control endpoints over SQS: the queues, and every message a queue ever received (with receive
// counts and what became of it), for tests and benchmarks.
import { AwsError, type ControlRoutes } from '../contract';
import type { SqsQueue } from './sqs.queue';
import type { SqsStore } from './sqs.store';

/** `GET /_sandbox/sqs/queues` and `GET /_sandbox/sqs/messages`. */
export function sqsRoutes(store: SqsStore): ControlRoutes {
  const find = (q: URLSearchParams): SqsQueue => {
    const arn = q.get('queueArn');
    if (arn) {
      const found = store.byArn(arn);
      if (!found) throw new AwsError('NotFound', `no queue ${arn}`, 404);
      return found;
    }
    const url = q.get('queueUrl');
    if (!url) throw new AwsError('ValidationError', 'queueArn, or queueUrl and region, is required', 400);
    try {
      return store.byUrl(url, q.get('region') ?? 'us-east-1');
    } catch {
      throw new AwsError('NotFound', `no queue ${url} in ${q.get('region') ?? 'us-east-1'}`, 404);
    }
  };
  return {
    'GET /_sandbox/sqs/queues': async (_b, q) => ({
      queues: store
        .all()
        .filter(
          (x) =>
            (!q.get('accountId') || x.accountId === q.get('accountId')) &&
            (!q.get('region') || x.region === q.get('region')),
        )
        .map((x) => ({
          url: store.urlOf(x),
          arn: x.arn,
          accountId: x.accountId,
          region: x.region,
          name: x.name,
          attributes: x.attributes,
          ...x.counts(),
          received: x.history.length,
        })),
    }),
    'GET /_sandbox/sqs/messages': async (_b, q) => {
      const queue = find(q);
      return {
        queueArn: queue.arn,
        messages: queue.history.map((m) => ({
          messageId: m.messageId,
          body: m.body,
          sentTimestamp: m.sentTimestamp,
          receiveCount: m.receiveCount,
          state: m.state,
          deleted: m.state === 'deleted',
          deadLettered: m.state === 'dead-lettered',
          endedAt: m.endedAt,
          groupId: m.groupId,
          deduplicationId: m.deduplicationId,
          deadLetterSourceArn: m.deadLetterSourceArn,
          messageAttributes: m.messageAttributes,
        })),
      };
    },
  };
}
