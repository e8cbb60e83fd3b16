import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { AwsClients, AwsCredentialsService } from '@tally/aws';
import type { DeliveryContext, DeliveryItem, DestinationAdapter, ItemOutcome } from './adapter';
import { webhookBody } from './webhook.adapter';

/** SQS's limits: 10 entries per SendMessageBatch, 256 KiB per message and per batch. */
const MAX_ENTRIES = 10;
const MAX_BYTES = 262_144;

/** The FIFO message group of a resource: a stable hash of its key, so one resource's changes stay in order. */
export function messageGroupId(r: DeliveryItem['resource']): string {
  return createHash('sha256').update(`${r.accountId}/${r.region}/${r.type}/${r.identifier}`).digest('hex');
}

/** The message body; one over the queue's limit goes without `properties`, marked `truncated`. */
export function sqsBody(item: DeliveryItem): string {
  const body = webhookBody(item);
  if (Buffer.byteLength(body) <= MAX_BYTES) return body;
  if (item.entities) return body; // a mapped body has no properties to drop; too big fails as SQS says
  const { properties: _dropped, ...resource } = item.resource;
  return webhookBody({ ...item, resource: { ...resource, properties: {} }, truncated: true } as DeliveryItem);
}

const AWS_QUEUE_URL = /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]{1,80}(\.fifo)?$/;

/**
 * Why a queue URL is not acceptable, or null. The SDK sends to the QueueUrl's own host, so only AWS's
 * SQS hosts (or, with the sandbox, AWS_ENDPOINT_URL_SQS's origin) may be named: never an address of ours.
 */
export function queueUrlProblem(queueUrl: string, sandboxEndpoint?: string): string | null {
  if (AWS_QUEUE_URL.test(queueUrl)) return null;
  if (
    sandboxEndpoint &&
    URL.canParse(queueUrl) &&
    new URL(queueUrl).origin === new URL(sandboxEndpoint).origin
  )
    return null;
  return 'must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/inventory.fifo';
}

/** The queue's region, from its URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
function queueRegion(queueUrl: string, fallback: string): string {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl)?.[1] ?? fallback;
}

/**
 * `sqs`: the customer's queue through their delivery role (web identity, no AWS keys). Batches of up
 * to 10 with one change per resource per call (order); `Failed[]` entries fail their item.
 */
export class SqsAdapter implements DestinationAdapter {
  private readonly clients = new Map<string, SQSClient>();

  constructor(
    private readonly aws: AwsClients,
    private readonly credentials: AwsCredentialsService,
  ) {}

  async deliver(batch: DeliveryItem[], ctx: DeliveryContext): Promise<ItemOutcome[]> {
    const queueUrl = String(ctx.destination.config.queueUrl);
    const problem = queueUrlProblem(queueUrl, this.aws.config.AWS_ENDPOINT_URL_SQS);
    if (problem) return batch.map(() => ({ ok: false, error: `the queue URL ${problem}` }));
    const fifo = queueUrl.endsWith('.fifo');
    const client = this.client(ctx, queueUrl);
    const outcomes: Array<ItemOutcome | undefined> = new Array(batch.length);
    const failedResources = new Map<string, string>();
    let pending = batch.map((_, i) => i);
    while (pending.length) {
      const call: number[] = [];
      const later: number[] = [];
      const inCall = new Set<string>();
      let bytes = 0;
      for (const i of pending) {
        const item = batch[i];
        // The mapping selected nothing from this resource: nothing to send.
        if (item.entities && !item.entities.length) {
          outcomes[i] = { ok: true };
          continue;
        }
        const failed = failedResources.get(item.resource.id);
        if (failed) {
          outcomes[i] = {
            ok: false,
            error: `not sent: an earlier change of this resource failed (${failed})`,
          };
          continue;
        }
        const size = Buffer.byteLength(sqsBody(item));
        if (call.length >= MAX_ENTRIES || inCall.has(item.resource.id) || bytes + size > MAX_BYTES) {
          later.push(i);
          continue;
        }
        call.push(i);
        inCall.add(item.resource.id);
        bytes += size;
      }
      if (call.length) await this.send(client, queueUrl, fifo, batch, call, outcomes, failedResources);
      pending = later;
    }
    return outcomes as ItemOutcome[];
  }

  private async send(
    client: SQSClient,
    queueUrl: string,
    fifo: boolean,
    batch: DeliveryItem[],
    call: number[],
    outcomes: Array<ItemOutcome | undefined>,
    failedResources: Map<string, string>,
  ): Promise<void> {
    const entries: SendMessageBatchRequestEntry[] = call.map((i) => ({
      Id: String(i),
      MessageBody: sqsBody(batch[i]),
      ...(fifo
        ? { MessageGroupId: messageGroupId(batch[i].resource), MessageDeduplicationId: batch[i].id }
        : {}),
    }));
    const fail = (i: number, error: string) => {
      outcomes[i] = { ok: false, error };
      failedResources.set(batch[i].resource.id, error);
    };
    try {
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      for (const ok of out.Successful ?? []) outcomes[Number(ok.Id)] = { ok: true };
      for (const f of out.Failed ?? [])
        fail(Number(f.Id), `SQS refused the message: ${f.Code}${f.Message ? ` (${f.Message})` : ''}`);
      for (const i of call) if (!outcomes[i]) fail(i, 'SQS did not report on the message');
    } catch (err) {
      const message = describeSqsError(err as Error & { name?: string }, queueUrl);
      for (const i of call) fail(i, message);
    }
  }

  private client(ctx: DeliveryContext, queueUrl: string): SQSClient {
    const roleArn = String(ctx.destination.config.roleArn);
    const key = `${ctx.destination.id}/${roleArn}/${queueUrl}`;
    let client = this.clients.get(key);
    if (!client) {
      const credentials = this.credentials.forDestination({
        tenantId: ctx.destination.tenantId,
        destinationId: ctx.destination.id,
        roleArn,
      });
      const region = queueRegion(queueUrl, this.aws.config.AWS_REGION);
      client = this.aws.sqs(region, credentials, ctx.timeoutMs);
      this.clients.set(key, client);
    }
    return client;
  }
}

/** The customer's words for an SQS or STS failure. */
function describeSqsError(err: Error & { name?: string }, queueUrl: string): string {
  const name = err.name ?? '';
  if (/QueueDoesNotExist|NonExistentQueue/.test(name))
    return `the queue ${queueUrl} does not exist (check the queue URL)`;
  if (/AccessDenied/.test(name) || /not authorized/i.test(err.message)) {
    return `the delivery role may not send to ${queueUrl}: check the role's sqs:SendMessage permission and that it trusts this destination's subject (${err.message})`;
  }
  return err.message;
}
