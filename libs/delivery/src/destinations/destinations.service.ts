import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@tally/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import {
  PrismaService,
  type Destination,
  type DestinationKind,
  type Prisma,
  type PrismaClient,
} from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { DEFAULT_PAGE_SIZE } from '@tally/contract';
import { decodeCursor, idCursor, toPage, type Page, type PageRequest } from '@tally/tenancy';
import { compileMapping, defaultPortMapping } from '@tally/mapping';
import type { DeliveryItem, DestinationSecrets, ItemOutcome } from '../adapters/adapter';
import { renderSqsDeliveryTemplate, sqsDeliveryParameters } from '../adapters/sqs-delivery.template';
import { queueUrlProblem } from '../adapters/sqs.adapter';
import { generateWebhookSecret } from '../adapters/webhook.signing';
import { encodeChangeCursor } from '../feed/change-cursor';
import { ChangeFeedService } from '../feed/change-feed.service';
import { DeliveryEngine, networkPolicy } from '../engine/delivery-engine.service';
import { wakeDestination } from '../engine/delivery-wake';
import { openSecrets, sealSecrets } from './destination-secrets';
import { parseConfig, parseFilter, type DestinationFilter, type NewDestination } from './destination.schemas';

const MAX_MAPPING_BYTES = 256 * 1024;

/** A destination as the API shows it: never a secret. */
export interface DestinationView {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  filter: DestinationFilter;
  mapping: string | null;
  backfill: boolean;
  backfillPending: boolean;
  status: 'active' | 'failing' | 'paused';
  lastError: string | null;
  cursor: string;
  lag: { changes: number; seconds: number };
  delivered: number;
  attempts: number;
  nextAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DestinationChanges {
  name?: string;
  config?: Record<string, unknown>;
  filter?: DestinationFilter;
  mapping?: string | null;
  /** `paused` stops delivery (backlog kept); `active` resumes now. */
  status?: 'active' | 'paused';
}

/** Kind names: the API's spelling and the database enum's. */
const toDbKind = (k: string) => k.replace('-', '_') as DestinationKind;
const toApiKind = (k: DestinationKind) => k.replace('_', '-');

/** Destinations of a tenant: create (secret shown once), read, change, replay, test, history. */
@Injectable()
export class DestinationsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChangeFeedService) private readonly feed: ChangeFeedService,
    @Inject(DeliveryEngine) private readonly engine: DeliveryEngine,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
  ) {}

  /** Creates a destination delivering changes from now on (after a backfill if asked). */
  async createDestination(
    tenantId: string,
    input: NewDestination,
  ): Promise<{ destination: DestinationView; secret?: string }> {
    const name = checkName(input.name);
    const { config, secrets } = parseConfig(input.kind, input.config, networkPolicy(this.config));
    this.checkQueue(config);
    const filter = parseFilter(input.filter);
    const mapping = await checkMapping(input.kind, input.mapping);
    const id = randomUUID();
    const secret = input.kind === 'webhook' ? generateWebhookSecret() : undefined;
    const sealed: DestinationSecrets = {
      ...(secret ? { webhookSecrets: [{ secret }] } : {}),
      ...(secrets.headers ? { headers: secrets.headers } : {}),
      ...(secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {}),
    };
    const head = await this.feed.head(tenantId);
    const row = await this.prisma.destination.create({
      data: {
        id,
        tenantId,
        name,
        kind: toDbKind(input.kind),
        config: config as Prisma.InputJsonValue,
        secretsCipher: Object.keys(sealed).length
          ? new Uint8Array(sealSecrets(sealed, this.config.keyEncryptionKey, id))
          : null,
        filter: filter as Prisma.InputJsonValue,
        mapping,
        backfill: input.backfill ?? false,
        backfillPending: input.backfill ?? false,
        cursor: head,
      },
    });
    if (row.backfillPending) await wakeDestination(this.jobs, row);
    return { destination: await this.view(row), ...(secret ? { secret } : {}) };
  }

  /** The tenant's destinations in id order, a page at a time (`?limit=&cursor=`). */
  async listDestinations(
    tenantId: string,
    page: PageRequest = { limit: DEFAULT_PAGE_SIZE },
  ): Promise<Page<DestinationView>> {
    const after = page.cursor ? decodeCursor(page.cursor, idCursor).id : undefined;
    const rows = await this.prisma.destination.findMany({
      where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
    const cut = toPage(rows, page.limit, (r) => ({ id: r.id }));
    return { items: await Promise.all(cut.items.map((r) => this.view(r))), nextCursor: cut.nextCursor };
  }

  async getDestination(tenantId: string, id: string): Promise<DestinationView> {
    return this.view(await this.load(tenantId, id));
  }

  async updateDestination(
    tenantId: string,
    id: string,
    changes: DestinationChanges,
  ): Promise<DestinationView> {
    const dest = await this.load(tenantId, id);
    const data: Prisma.DestinationUpdateInput = {};
    if (changes.name !== undefined) data.name = checkName(changes.name);
    if (changes.filter !== undefined) data.filter = parseFilter(changes.filter) as Prisma.InputJsonValue;
    if (changes.mapping !== undefined)
      data.mapping = await checkMapping(toApiKind(dest.kind), changes.mapping ?? undefined);
    if (changes.config !== undefined) {
      const parsed = parseConfig(toApiKind(dest.kind), changes.config, networkPolicy(this.config));
      this.checkQueue(parsed.config);
      data.config = parsed.config as Prisma.InputJsonValue;
      const current = openSecrets(dest.secretsCipher, this.config.keyEncryptionKey, dest.id);
      const next = {
        ...current,
        headers: parsed.secrets.headers ?? current.headers,
        clientSecret: parsed.secrets.clientSecret ?? current.clientSecret,
      };
      data.secretsCipher = new Uint8Array(sealSecrets(next, this.config.keyEncryptionKey, dest.id));
    }
    if (changes.status === 'paused') data.status = 'paused';
    if (changes.status === 'active')
      Object.assign(data, { status: 'active', attempts: 0, nextAttemptAt: null, lastError: null });
    const row = await this.prisma.destination.update({ where: { id: dest.id }, data });
    if (row.status !== 'paused') await wakeDestination(this.jobs, row);
    return this.view(row);
  }

  async deleteDestination(tenantId: string, id: string): Promise<void> {
    const { count } = await this.prisma.destination.deleteMany({ where: { tenantId, id } });
    if (!count) throw new NotFoundError('Destination');
  }

  /**
   * A new webhook secret (answered once); the previous one keeps signing for
   * WEBHOOK_SECRET_OVERLAP_HOURS so receivers can switch without losing a delivery.
   */
  async rotateSecret(tenantId: string, id: string): Promise<{ secret: string; previousExpiresAt: Date }> {
    const dest = await this.load(tenantId, id);
    if (dest.kind !== 'webhook')
      throw new ValidationError([
        { field: 'kind', message: 'only webhook destinations have a signing secret' },
      ]);
    const secrets = openSecrets(dest.secretsCipher, this.config.keyEncryptionKey, dest.id);
    const now = Date.now();
    const previousExpiresAt = new Date(now + this.config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000);
    const kept = (secrets.webhookSecrets ?? [])
      .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now)
      .map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? previousExpiresAt.toISOString() }));
    const secret = generateWebhookSecret();
    const sealed = sealSecrets(
      { ...secrets, webhookSecrets: [{ secret }, ...kept] },
      this.config.keyEncryptionKey,
      dest.id,
    );
    await this.prisma.destination.update({
      where: { id: dest.id },
      data: { secretsCipher: new Uint8Array(sealed) },
    });
    return { secret, previousExpiresAt };
  }

  /** Re-sends from a cursor or from a time; resumes a paused destination. */
  async replay(
    tenantId: string,
    id: string,
    from: { after?: string; since?: Date },
  ): Promise<DestinationView> {
    const dest = await this.load(tenantId, id);
    let cursor: bigint;
    if (from.after !== undefined) {
      cursor = await this.feed.startingPoint(tenantId, from.after);
    } else if (from.since) {
      await this.feed.head(tenantId);
      const first = await this.prisma.resourceChange.findFirst({
        where: { tenantId, seq: { not: null }, at: { gte: from.since } },
        orderBy: { seq: 'asc' },
        select: { seq: true },
      });
      cursor = first ? first.seq! - 1n : await this.feed.head(tenantId);
      const floor = await this.feed.startingPoint(tenantId);
      if (cursor < floor) cursor = floor;
    } else {
      throw new ValidationError([
        { field: 'after', message: 'give either after (a cursor) or since (a time)' },
      ]);
    }
    const row = await this.prisma.destination.update({
      where: { id: dest.id },
      data: { cursor, status: 'active', attempts: 0, nextAttemptAt: null, lastError: null },
    });
    await wakeDestination(this.jobs, row);
    return this.view(row);
  }

  /** Sends one test message now and answers its outcome (the destination's state is untouched). */
  async test(tenantId: string, id: string): Promise<{ ok: boolean; error?: string; durationMs: number }> {
    const dest = await this.load(tenantId, id);
    const started = Date.now();
    const [outcome] = await this.engine
      .adapterFor(dest)
      .deliver([testItem(dest)], this.engine.context(dest))
      .catch((err: Error): ItemOutcome[] => [{ ok: false, error: err.message }]);
    return {
      ok: outcome.ok,
      ...(outcome.ok ? {} : { error: outcome.error }),
      durationMs: Date.now() - started,
    };
  }

  /** An SQS destination's delivery-role template and the parameters to deploy it with. */
  async cloudformation(
    tenantId: string,
    id: string,
  ): Promise<{ template: string; parameters: Record<string, string> }> {
    const dest = await this.load(tenantId, id);
    if (dest.kind !== 'sqs') {
      throw new ValidationError([
        { field: 'kind', message: 'only sqs destinations have a CloudFormation template' },
      ]);
    }
    return {
      template: renderSqsDeliveryTemplate(),
      parameters: sqsDeliveryParameters(this.config, tenantId, id),
    };
  }

  /** Recent delivery attempts, newest first. */
  async listDeliveries(tenantId: string, id: string, limit = 50) {
    await this.load(tenantId, id);
    const rows = await this.prisma.destinationDelivery.findMany({
      where: { tenantId, destinationId: id },
      orderBy: { at: 'desc' },
      take: Math.min(Math.max(limit, 1), 200),
    });
    return rows.map((d) => ({
      id: d.id,
      at: d.at,
      outcome: d.outcome,
      changes: d.changes,
      delivered: d.delivered,
      firstCursor: d.firstCursor === null ? null : encodeChangeCursor(d.firstCursor),
      lastCursor: d.lastCursor === null ? null : encodeChangeCursor(d.lastCursor),
      durationMs: d.durationMs,
      error: d.error,
    }));
  }

  private checkQueue(config: Record<string, unknown>): void {
    if (typeof config.queueUrl !== 'string') return;
    const problem = queueUrlProblem(config.queueUrl, this.config.AWS_ENDPOINT_URL_SQS);
    if (problem) throw new ValidationError([{ field: 'config.queueUrl', message: problem }]);
  }

  private async load(tenantId: string, id: string): Promise<Destination> {
    const row = await this.prisma.destination.findFirst({ where: { tenantId, id } });
    if (!row) throw new NotFoundError('Destination');
    return row;
  }

  /** The API's view, with lag: changes not yet delivered (up to 100,000) and the oldest one's age. */
  private async view(d: Destination): Promise<DestinationView> {
    const [lag] = await this.prisma.$queryRawUnsafe<{ changes: number; oldest: Date | null }[]>(
      `SELECT count(*)::int AS changes, min(at) AS oldest FROM (
         SELECT at FROM resource_changes WHERE tenant_id = $1::uuid AND seq > $2::bigint ORDER BY seq LIMIT 100000) t`,
      d.tenantId,
      d.cursor,
    );
    return {
      id: d.id,
      name: d.name,
      kind: toApiKind(d.kind),
      config: d.config as Record<string, unknown>,
      filter: d.filter as DestinationFilter,
      mapping: d.mapping,
      backfill: d.backfill,
      backfillPending: d.backfillPending,
      status: d.status,
      lastError: d.lastError,
      cursor: encodeChangeCursor(d.cursor),
      lag: {
        changes: lag.changes,
        seconds: lag.oldest ? Math.max(0, Math.round((Date.now() - lag.oldest.getTime()) / 1000)) : 0,
      },
      delivered: Number(d.delivered),
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt,
      lastSuccessAt: d.lastSuccessAt,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    };
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !name.trim() || name.length > 200) {
    throw new ValidationError([{ field: 'name', message: 'must be 1-200 characters' }]);
  }
  return name.trim();
}

/**
 * A mapping is compiled when saved: an invalid one is a 400 (MappingValidationError, a
 * ValidationError naming each kind, field and jq error). `port` requires one: none (or null on an
 * update) means Port's own default mapping for AWS.
 */
async function checkMapping(kind: string, mapping: string | undefined): Promise<string | null> {
  if (mapping === undefined || mapping === null) return kind === 'port' ? defaultPortMapping() : null;
  if (typeof mapping !== 'string' || Buffer.byteLength(mapping) > MAX_MAPPING_BYTES) {
    throw new ValidationError([{ field: 'mapping', message: 'must be a YAML string of at most 256 KiB' }]);
  }
  await compileMapping(mapping);
  return mapping;
}

/** The test message: a synthetic resource, marked so receivers can tell it apart. */
function testItem(dest: Destination): DeliveryItem {
  const now = new Date();
  return {
    id: `test_${randomUUID()}`,
    cursor: '',
    kind: 'updated',
    at: now,
    source: 'sync',
    runId: null,
    eventId: null,
    changedFields: [],
    test: true,
    resource: {
      id: '00000000-0000-0000-0000-000000000000',
      provider: 'aws',
      type: 'Tally::Test::Message',
      identifier: `test-${dest.id}`,
      arn: null,
      name: 'Tally test message',
      accountId: '000000000000',
      region: 'us-east-1',
      tags: {},
      relationships: [],
      properties: {},
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
      deletedAt: null,
    },
  };
}
