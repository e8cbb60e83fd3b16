// One SQS queue: attributes, and the message semantics of standard and FIFO queues (visibility
// timeouts, receive counts, FIFO group ordering, 5-minute deduplication, redrive to a dead-letter
// queue). Every message the queue ever received is kept (bounded) for the control endpoint.
import { createHash, randomUUID } from 'node:crypto';
import { md5Hex, md5OfAttributes, type MessageAttributeValue } from './sqs.md5';
import { DEFAULT_ATTRIBUTES, validateAttributes } from './sqs.attributes';
import { sqsErrors } from './sqs.errors';

export interface SqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes?: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes?: string;
  senderId: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Epoch ms from which the message can be received. */
  visibleAt: number;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  /** Set on a message moved here by redrive. */
  deadLetterSourceArn?: string;
  state: 'queued' | 'deleted' | 'dead-lettered' | 'purged' | 'expired';
  endedAt?: number;
}

export interface SendInput {
  body: string;
  senderId: string;
  delaySeconds?: number;
  messageAttributes?: Record<string, MessageAttributeValue>;
  groupId?: string;
  deduplicationId?: string;
}

/** Resolves a redrive target by ARN (same account and region). */
export type QueueLookup = (arn: string) => SqsQueue | undefined;

const DEDUP_WINDOW_MS = 5 * 60_000;
/** Messages kept per queue for the control endpoint (oldest dropped first, in chunks). */
export const MAX_HISTORY = 10_000;

export class SqsQueue {
  readonly arn: string;
  readonly fifo: boolean;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly createdAt = Date.now();
  modifiedAt = Date.now();
  lastPurgeAt = 0;
  /** Every message, oldest first (live and ended). */
  readonly history: SqsMessage[] = [];
  /** Live messages in send order. */
  private live: SqsMessage[] = [];
  private readonly byId = new Map<string, SqsMessage>();
  private readonly dedup = new Map<string, { messageId: string; sequenceNumber?: string; expires: number }>();
  private readonly waiters = new Set<() => void>();
  private sequence = 0n;

  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly name: string,
    attributes: Record<string, string>,
    tags: Record<string, string> = {},
  ) {
    this.fifo = name.endsWith('.fifo');
    this.arn = `arn:aws:sqs:${region}:${accountId}:${name}`;
    validateAttributes(attributes, this.fifo, true);
    this.attributes = { ...DEFAULT_ATTRIBUTES, ...attributes };
    if (attributes.KmsMasterKeyId && attributes.SqsManagedSseEnabled === undefined)
      this.attributes.SqsManagedSseEnabled = 'false';
    if (this.fifo) {
      this.attributes.FifoQueue = 'true';
      this.attributes.ContentBasedDeduplication ??= 'false';
      this.attributes.DeduplicationScope ??= 'queue';
      this.attributes.FifoThroughputLimit ??= 'perQueue';
    }
    this.tags = { ...tags };
  }

  num(name: string): number {
    return Number(this.attributes[name]);
  }

  /** Applies SetQueueAttributes. */
  setAttributes(attrs: Record<string, string>): void {
    if ('FifoQueue' in attrs && attrs.FifoQueue !== String(this.fifo))
      throw sqsErrors.invalidAttributeValue('FifoQueue', 'Modifying queue type is not supported.');
    validateAttributes(attrs, this.fifo, false);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === '' && (k === 'Policy' || k === 'RedrivePolicy' || k === 'KmsMasterKeyId'))
        delete this.attributes[k];
      else this.attributes[k] = v;
    }
    this.modifiedAt = Date.now();
    this.notify();
  }

  /** The parsed queue policy, if any. */
  get policy(): string | undefined {
    return this.attributes.Policy || undefined;
  }

  /** Enqueues a message (or returns the original on a FIFO deduplication hit). */
  send(input: SendInput, now = Date.now()): SqsMessage {
    const size = Buffer.byteLength(input.body) + attributesSize(input.messageAttributes);
    const max = this.num('MaximumMessageSize');
    if (size > max)
      throw sqsErrors.invalidParameter(
        `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
      );
    if (!input.body.length)
      throw sqsErrors.invalidParameter('The request must contain the parameter MessageBody.');
    let deduplicationId = input.deduplicationId;
    if (this.fifo) {
      if (!input.groupId) throw sqsErrors.missingParameter('MessageGroupId');
      if (input.delaySeconds)
        throw sqsErrors.invalidParameter(
          `Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        );
      if (!deduplicationId) {
        if (this.attributes.ContentBasedDeduplication !== 'true')
          throw sqsErrors.invalidParameter(
            'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
          );
        deduplicationId = sha256Hex(input.body);
      }
      const key =
        this.attributes.DeduplicationScope === 'messageGroup'
          ? `${input.groupId}|${deduplicationId}`
          : deduplicationId;
      this.sweepDedup(now);
      const seen = this.dedup.get(key);
      // A duplicate is accepted but not enqueued: the original id, the MD5 of what was just sent.
      if (seen) return this.ghost(seen.messageId, input, seen.sequenceNumber);
    } else if (input.groupId || input.deduplicationId) {
      // Standard queues accept MessageGroupId (fair queues) but not a deduplication id.
      if (input.deduplicationId)
        throw sqsErrors.invalidParameter(
          'The request include parameter MessageDeduplicationId which is not valid for this queue type',
        );
    }
    const delay = (input.delaySeconds ?? this.num('DelaySeconds')) * 1000;
    const message: SqsMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      messageAttributes: input.messageAttributes,
      md5OfMessageAttributes: md5OfAttributes(input.messageAttributes),
      senderId: input.senderId,
      sentTimestamp: now,
      receiveCount: 0,
      visibleAt: now + delay,
      groupId: input.groupId,
      deduplicationId,
      state: 'queued',
    };
    if (this.fifo) {
      message.sequenceNumber = String(++this.sequence).padStart(20, '1');
      const key =
        this.attributes.DeduplicationScope === 'messageGroup'
          ? `${input.groupId}|${deduplicationId}`
          : deduplicationId!;
      this.dedup.set(key, {
        messageId: message.messageId,
        sequenceNumber: message.sequenceNumber,
        expires: now + DEDUP_WINDOW_MS,
      });
    }
    this.accept(message);
    return message;
  }

  /** Puts a message moved from another queue (redrive) at the end, keeping its id and body. */
  acceptDeadLetter(from: SqsMessage, sourceArn: string, now = Date.now()): void {
    const copy: SqsMessage = {
      ...from,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      visibleAt: now,
      deadLetterSourceArn: sourceArn,
      state: 'queued',
      endedAt: undefined,
    };
    if (this.fifo) copy.sequenceNumber = String(++this.sequence).padStart(20, '1');
    this.accept(copy);
  }

  /**
   * Receives up to `max` messages now (no waiting): expired ones are dropped, ones past the redrive
   * policy's maxReceiveCount move to the dead-letter queue, FIFO groups with a message in flight
   * deliver nothing.
   */
  receive(max: number, visibilityMs: number, lookup: QueueLookup, now = Date.now()): SqsMessage[] {
    const out: SqsMessage[] = [];
    const retentionMs = this.num('MessageRetentionPeriod') * 1000;
    const redrive = this.redrive();
    const blocked = new Set<string>();
    const taken = new Set<string>();
    let changed = false;
    for (const m of this.live) {
      if (out.length >= max) break;
      if (m.sentTimestamp + retentionMs <= now) {
        this.end(m, 'expired', now);
        changed = true;
        continue;
      }
      const group = m.groupId;
      if (this.fifo && group !== undefined) {
        if (blocked.has(group)) continue;
        if (m.visibleAt > now) {
          if (!taken.has(group)) blocked.add(group);
          continue;
        }
      } else if (m.visibleAt > now) continue;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        const dlq = lookup(redrive.deadLetterTargetArn);
        if (dlq) {
          this.end(m, 'dead-lettered', now);
          dlq.acceptDeadLetter(m, this.arn, now);
          changed = true;
          continue;
        }
      }
      m.receiveCount++;
      m.firstReceiveTimestamp ??= now;
      m.visibleAt = now + visibilityMs;
      if (group !== undefined) taken.add(group);
      out.push(m);
    }
    if (changed) this.live = this.live.filter((m) => m.state === 'queued');
    return out;
  }

  /** A receipt handle for the current receive of a message. */
  receiptHandle(m: SqsMessage): string {
    return Buffer.from(`${this.arn} ${m.messageId} ${m.receiveCount} ${randomUUID()}`).toString('base64');
  }

  /** Finds the message of a receipt handle; `latest` is false when it was received again since. */
  fromReceipt(handle: string): { message?: SqsMessage; latest: boolean } {
    const parts = Buffer.from(handle, 'base64').toString('utf8').split(' ');
    if (parts.length !== 4 || parts[0] !== this.arn) throw sqsErrors.receiptInvalid(handle);
    const message = this.byId.get(parts[1]);
    return { message, latest: !!message && message.receiveCount === Number(parts[2]) };
  }

  delete(handle: string, now = Date.now()): void {
    const { message, latest } = this.fromReceipt(handle);
    if (!message) return; // already gone: SQS answers success
    if (this.fifo && !latest) throw sqsErrors.receiptInvalid(handle, true);
    this.end(message, 'deleted', now);
    this.live = this.live.filter((m) => m !== message);
    this.notify();
  }

  changeVisibility(handle: string, seconds: number, now = Date.now()): void {
    const { message, latest } = this.fromReceipt(handle);
    if (!message || !latest || message.visibleAt <= now) throw sqsErrors.notInflight();
    message.visibleAt = now + seconds * 1000;
    this.notify();
  }

  purge(now = Date.now()): void {
    for (const m of this.live) this.end(m, 'purged', now);
    this.live = [];
    this.lastPurgeAt = now;
  }

  counts(now = Date.now()) {
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.live) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /** Earliest future time a hidden message becomes visible (for long-poll wake-ups). */
  nextVisibleAt(now = Date.now()): number | undefined {
    let next: number | undefined;
    for (const m of this.live)
      if (m.visibleAt > now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    return next;
  }

  /** Waits for a change (send, visibility change) or `ms`, whichever first. */
  waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref?.();
      this.waiters.add(done);
    });
  }

  /** Wakes every waiting long poll (also used when the sandbox closes). */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  redrive(): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
    const raw = this.attributes.RedrivePolicy;
    if (!raw) return undefined;
    const p = JSON.parse(raw) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    return { deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: Number(p.maxReceiveCount) };
  }

  private accept(m: SqsMessage): void {
    this.live.push(m);
    this.byId.set(m.messageId, m);
    this.history.push(m);
    if (this.history.length > MAX_HISTORY * 1.1) {
      const dropped = this.history.splice(0, this.history.length - MAX_HISTORY);
      for (const d of dropped) if (d.state !== 'queued') this.byId.delete(d.messageId);
    }
    this.notify();
  }

  private end(m: SqsMessage, state: SqsMessage['state'], now: number): void {
    m.state = state;
    m.endedAt = now;
  }

  private ghost(messageId: string, input: SendInput, sequenceNumber?: string): SqsMessage {
    return {
      messageId,
      body: input.body,
      md5OfBody: md5Hex(input.body),
      md5OfMessageAttributes: md5OfAttributes(input.messageAttributes),
      senderId: input.senderId,
      sentTimestamp: Date.now(),
      receiveCount: 0,
      visibleAt: 0,
      sequenceNumber,
      state: 'deleted',
    };
  }

  private sweepDedup(now: number): void {
    // Entries are inserted in expiry order: drop from the front until a live one.
    for (const [k, v] of this.dedup) {
      if (v.expires > now) break;
      this.dedup.delete(k);
    }
  }
}

function attributesSize(attrs: Record<string, MessageAttributeValue> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(attrs ?? {}))
    n +=
      Buffer.byteLength(k) +
      Buffer.byteLength(v.DataType) +
      Buffer.byteLength(v.StringValue ?? '') +
      Buffer.from(v.BinaryValue ?? '', 'base64').length;
  return n;
}

/** ContentBasedDeduplication: the SHA-256 of the body. */
function sha256Hex(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}
