// SQS over the JSON protocol (`AmazonSQS.<Op>`, JSON 1.0, query-compatible errors). Every call on a
// queue is authorized by the caller's identity policies and the queue's policy together.
import { AwsError, type CallContext, type JsonService } from '../contract';
import { combineDecisions } from '../iam/access';
import type { MessageAttributeValue } from './sqs.md5';
import type { SqsMessage, SqsQueue } from './sqs.queue';
import { sqsErrors } from './sqs.errors';
import type { SqsStore } from './sqs.store';

type Input = Record<string, unknown>;
type Handler = (input: Input, ctx: CallContext) => Promise<unknown> | unknown;

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageGroupId',
  'MessageDeduplicationId',
  'SequenceNumber',
  'DeadLetterQueueSourceArn',
];

export class SqsService implements JsonService {
  readonly signingName = 'sqs';
  readonly targetPrefix = 'AmazonSQS';
  readonly contentType = 'application/x-amz-json-1.0';
  private readonly ops: Record<string, Handler>;
  private closed = false;

  constructor(private readonly store: SqsStore) {
    this.ops = {
      CreateQueue: (i, c) => this.createQueue(i, c),
      GetQueueUrl: (i, c) => this.getQueueUrl(i, c),
      ListQueues: (i, c) => this.listQueues(i, c),
      DeleteQueue: (i, c) => void this.store.delete(this.queue(i, c, 'DeleteQueue')),
      GetQueueAttributes: (i, c) => this.getAttributes(i, c),
      SetQueueAttributes: (i, c) => this.setAttributes(i, c),
      PurgeQueue: (i, c) => this.purge(i, c),
      SendMessage: (i, c) => this.sendMessage(i, c),
      SendMessageBatch: (i, c) => this.sendBatch(i, c),
      ReceiveMessage: (i, c) => this.receive(i, c),
      DeleteMessage: (i, c) => void this.queue(i, c, 'DeleteMessage').delete(str(i, 'ReceiptHandle')),
      DeleteMessageBatch: (i, c) => {
        const q = this.queue(i, c, 'DeleteMessage');
        return batch(i, (e) => void q.delete(str(e, 'ReceiptHandle')));
      },
      ChangeMessageVisibility: (i, c) =>
        void this.queue(i, c, 'ChangeMessageVisibility').changeVisibility(
          str(i, 'ReceiptHandle'),
          visibility(i.VisibilityTimeout),
        ),
      ChangeMessageVisibilityBatch: (i, c) => {
        const q = this.queue(i, c, 'ChangeMessageVisibility');
        return batch(
          i,
          (e) => void q.changeVisibility(str(e, 'ReceiptHandle'), visibility(e.VisibilityTimeout)),
        );
      },
      ListQueueTags: (i, c) => ({ Tags: { ...this.queue(i, c, 'ListQueueTags').tags } }),
      TagQueue: (i, c) => void Object.assign(this.queue(i, c, 'TagQueue').tags, i.Tags ?? {}),
      UntagQueue: (i, c) => {
        const q = this.queue(i, c, 'UntagQueue');
        for (const k of (i.TagKeys as string[]) ?? []) delete q.tags[k];
      },
    };
  }

  async handle(operation: string, input: Input, ctx: CallContext): Promise<unknown> {
    const op = this.ops[operation];
    if (!op) throw sqsErrors.unknownOperation(operation);
    return (await op(input, ctx)) ?? {};
  }

  /** Ends pending long polls (the sandbox is closing). */
  close(): void {
    this.closed = true;
    this.store.wakeAll();
  }

  /** The queue of `QueueUrl`, after checking the caller may call `sqs:<action>` on it. */
  private queue(input: Input, ctx: CallContext, action: string): SqsQueue {
    const url = input.QueueUrl;
    if (typeof url !== 'string' || !url) throw sqsErrors.missingParameter('QueueUrl');
    const q = this.store.byUrl(url, ctx.region);
    this.authorize(ctx, `sqs:${action}`, q);
    return q;
  }

  private authorize(ctx: CallContext, action: string, q: SqsQueue): void {
    const context = {
      'aws:PrincipalAccount': ctx.accountId,
      'aws:PrincipalArn': ctx.roleArn,
      'aws:PrincipalOrgID': ctx.organizationId,
    };
    const identity = ctx.identityDecision(action, q.arn, context);
    const resource = this.store.policyDecision(
      q,
      action,
      { kind: 'aws', accountId: ctx.accountId, arns: [ctx.roleArn, ctx.principalArn] },
      context,
    );
    if (!combineDecisions(identity, resource, q.accountId === ctx.accountId)) {
      if (q.accountId !== ctx.accountId && resource === 'none' && identity !== 'deny')
        throw sqsErrors.noQueue();
      throw sqsErrors.accessDenied(ctx.principalArn, action, q.arn);
    }
  }

  private identityOnly(ctx: CallContext, action: string, resource: string): void {
    if (ctx.identityDecision(action, resource) !== 'allow')
      throw sqsErrors.accessDenied(ctx.principalArn, action, resource);
  }

  private createQueue(i: Input, ctx: CallContext) {
    const name = str(i, 'QueueName');
    this.identityOnly(ctx, 'sqs:CreateQueue', `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`);
    const q = this.store.create(ctx.accountId, ctx.region, name, strings(i.Attributes), strings(i.tags));
    return { QueueUrl: this.store.urlOf(q) };
  }

  private getQueueUrl(i: Input, ctx: CallContext) {
    const name = str(i, 'QueueName');
    const owner = typeof i.QueueOwnerAWSAccountId === 'string' ? i.QueueOwnerAWSAccountId : ctx.accountId;
    const q = this.store.get(owner, ctx.region, name);
    if (!q) throw sqsErrors.noQueue();
    this.authorize(ctx, 'sqs:GetQueueUrl', q);
    return { QueueUrl: this.store.urlOf(q) };
  }

  private listQueues(i: Input, ctx: CallContext) {
    this.identityOnly(ctx, 'sqs:ListQueues', `arn:aws:sqs:${ctx.region}:${ctx.accountId}:*`);
    const all = this.store.list(
      ctx.accountId,
      ctx.region,
      typeof i.QueueNamePrefix === 'string' ? i.QueueNamePrefix : '',
    );
    const max = typeof i.MaxResults === 'number' ? i.MaxResults : undefined;
    if (max !== undefined && (max < 1 || max > 1000))
      throw sqsErrors.invalidParameter(
        'Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.',
      );
    const start =
      typeof i.NextToken === 'string' ? Number(Buffer.from(i.NextToken, 'base64').toString()) || 0 : 0;
    const page = max === undefined ? all.slice(0, 1000) : all.slice(start, start + max);
    const next =
      max !== undefined && start + max < all.length
        ? Buffer.from(String(start + max)).toString('base64')
        : undefined;
    return page.length
      ? { QueueUrls: page.map((q) => this.store.urlOf(q)), ...(next ? { NextToken: next } : {}) }
      : {};
  }

  private getAttributes(i: Input, ctx: CallContext) {
    const q = this.queue(i, ctx, 'GetQueueAttributes');
    const names = (i.AttributeNames as string[] | undefined) ?? [];
    const c = q.counts();
    const all: Record<string, string> = {
      ...q.attributes,
      QueueArn: q.arn,
      ApproximateNumberOfMessages: String(c.visible),
      ApproximateNumberOfMessagesNotVisible: String(c.inFlight),
      ApproximateNumberOfMessagesDelayed: String(c.delayed),
      CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
    };
    if (!names.length) return {};
    const out: Record<string, string> = {};
    for (const n of names) {
      if (n === 'All') return { Attributes: all };
      if (!(n in all) && !KNOWN_ATTRIBUTES.has(n)) throw sqsErrors.invalidAttributeName(n);
      if (n in all) out[n] = all[n];
    }
    return { Attributes: out };
  }

  private setAttributes(i: Input, ctx: CallContext) {
    const q = this.queue(i, ctx, 'SetQueueAttributes');
    q.setAttributes(strings(i.Attributes));
  }

  private purge(i: Input, ctx: CallContext) {
    const q = this.queue(i, ctx, 'PurgeQueue');
    if (Date.now() - q.lastPurgeAt < 60_000) throw sqsErrors.purgeInProgress(this.store.urlOf(q));
    q.purge();
  }

  private sendOne(q: SqsQueue, e: Input, ctx: CallContext) {
    const body = e.MessageBody;
    if (typeof body !== 'string') throw sqsErrors.missingParameter('MessageBody');
    const m = q.send({
      body,
      senderId: ctx.principalArn.split('/').slice(1).join(':') || ctx.accountId,
      delaySeconds: e.DelaySeconds === undefined ? undefined : delay(e.DelaySeconds),
      messageAttributes: e.MessageAttributes as Record<string, MessageAttributeValue> | undefined,
      groupId: optStr(e.MessageGroupId),
      deduplicationId: optStr(e.MessageDeduplicationId),
    });
    return {
      MessageId: m.messageId,
      MD5OfMessageBody: m.md5OfBody,
      ...(m.md5OfMessageAttributes ? { MD5OfMessageAttributes: m.md5OfMessageAttributes } : {}),
      ...(m.sequenceNumber ? { SequenceNumber: m.sequenceNumber } : {}),
    };
  }

  private sendMessage(i: Input, ctx: CallContext) {
    return this.sendOne(this.queue(i, ctx, 'SendMessage'), i, ctx);
  }

  private sendBatch(i: Input, ctx: CallContext) {
    const q = this.queue(i, ctx, 'SendMessage');
    const entries = checkBatch(i);
    const total = entries.reduce((n, e) => n + Buffer.byteLength(String(e.MessageBody ?? '')), 0);
    const max = Math.max(q.num('MaximumMessageSize'), 262_144);
    if (total > max) throw sqsErrors.batchTooLong(max);
    return batch(i, (e) => this.sendOne(q, e, ctx));
  }

  private async receive(i: Input, ctx: CallContext) {
    const q = this.queue(i, ctx, 'ReceiveMessage');
    const max = i.MaxNumberOfMessages === undefined ? 1 : Number(i.MaxNumberOfMessages);
    if (!Number.isInteger(max) || max < 1 || max > 10)
      throw sqsErrors.invalidParameter(
        `Value ${String(i.MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    const wait =
      i.WaitTimeSeconds === undefined ? q.num('ReceiveMessageWaitTimeSeconds') : Number(i.WaitTimeSeconds);
    if (!Number.isInteger(wait) || wait < 0 || wait > 20)
      throw sqsErrors.invalidParameter(
        `Value ${String(i.WaitTimeSeconds)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      );
    const vis =
      i.VisibilityTimeout === undefined ? q.num('VisibilityTimeout') : visibility(i.VisibilityTimeout);
    const deadline = Date.now() + wait * 1000;
    let got = q.receive(max, vis * 1000, (arn) => this.store.byArn(arn));
    while (!got.length && !this.closed && Date.now() < deadline) {
      const next = q.nextVisibleAt();
      await q.waitForChange(Math.min(deadline, next ?? deadline) - Date.now());
      if (this.store.get(q.accountId, q.region, q.name) !== q) break; // deleted while waiting
      got = q.receive(max, vis * 1000, (arn) => this.store.byArn(arn));
    }
    if (!got.length) return {};
    const wanted = new Set([
      ...((i.AttributeNames as string[] | undefined) ?? []),
      ...((i.MessageSystemAttributeNames as string[] | undefined) ?? []),
    ]);
    const attrNames = (i.MessageAttributeNames as string[] | undefined) ?? [];
    return { Messages: got.map((m) => this.view(q, m, wanted, attrNames)) };
  }

  private view(q: SqsQueue, m: SqsMessage, wanted: Set<string>, attrNames: string[]) {
    const system: Record<string, string | undefined> = {
      SenderId: m.senderId,
      SentTimestamp: String(m.sentTimestamp),
      ApproximateReceiveCount: String(m.receiveCount),
      ApproximateFirstReceiveTimestamp:
        m.firstReceiveTimestamp === undefined ? undefined : String(m.firstReceiveTimestamp),
      MessageGroupId: m.groupId,
      MessageDeduplicationId: m.deduplicationId,
      SequenceNumber: m.sequenceNumber,
      DeadLetterQueueSourceArn: m.deadLetterSourceArn,
    };
    const all = wanted.has('All');
    const attributes = Object.fromEntries(
      SYSTEM_ATTRIBUTES.filter((k) => (all || wanted.has(k)) && system[k] !== undefined).map((k) => [
        k,
        system[k]!,
      ]),
    );
    const allAttrs = attrNames.includes('All') || attrNames.includes('.*');
    const messageAttributes = Object.fromEntries(
      Object.entries(m.messageAttributes ?? {}).filter(
        ([k]) =>
          allAttrs || attrNames.some((n) => n === k || (n.endsWith('.*') && k.startsWith(n.slice(0, -1)))),
      ),
    );
    const withAttrs = Object.keys(messageAttributes).length > 0;
    return {
      MessageId: m.messageId,
      ReceiptHandle: q.receiptHandle(m),
      MD5OfBody: m.md5OfBody,
      Body: m.body,
      ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
      ...(withAttrs
        ? { MessageAttributes: messageAttributes, MD5OfMessageAttributes: m.md5OfMessageAttributes }
        : {}),
    };
  }
}

const KNOWN_ATTRIBUTES = new Set([
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

function checkBatch(i: Input): Input[] {
  const entries = i.Entries;
  if (!Array.isArray(entries) || !entries.length) throw sqsErrors.emptyBatch();
  if (entries.length > 10) throw sqsErrors.tooManyEntries(entries.length);
  const ids = new Set<string>();
  for (const e of entries as Input[]) {
    const id = String(e.Id ?? '');
    if (!BATCH_ID.test(id)) throw sqsErrors.invalidEntryId(id);
    if (ids.has(id)) throw sqsErrors.idsNotDistinct(id);
    ids.add(id);
  }
  return entries as Input[];
}

/** Runs one handler per batch entry; AWS errors become per-entry failures (`Failed[]`). */
function batch(i: Input, each: (entry: Input) => object | void) {
  const Successful: object[] = [];
  const Failed: object[] = [];
  for (const e of checkBatch(i)) {
    try {
      Successful.push({ Id: e.Id, ...(each(e) ?? {}) });
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      Failed.push({
        Id: e.Id,
        SenderFault: err.fault === 'Sender',
        Code: err.queryCode ?? err.code.replace(/^.*#/, ''),
        Message: err.message,
      });
    }
  }
  return { Successful, Failed };
}

function str(i: Input, name: string): string {
  const v = i[name];
  if (typeof v !== 'string' || !v) throw sqsErrors.missingParameter(name);
  return v;
}

function optStr(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function strings(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw sqsErrors.invalidParameter('Attributes must be a map');
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

function visibility(v: unknown): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0 || n > 43_200)
    throw sqsErrors.invalidParameter(
      `Value ${String(v)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
    );
  return n;
}

function delay(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 900)
    throw sqsErrors.invalidParameter(
      `Value ${String(v)} for parameter DelaySeconds is invalid. Reason: Must be between 0 and 900.`,
    );
  return n;
}
