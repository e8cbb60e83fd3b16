import { CloudControlClient, GetResourceCommand, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AppConfig } from '@tally/config';
import { instrumentAwsClient } from '@tally/metrics';
import { awsClientDefaults } from '../credentials/aws-client-defaults';
import { normalizeResource } from '../registry/registry';
import type { NormalizedResource, ResourceModel, ResourceTypeDefinition } from '../registry/resource-type';
import { AwsCallError } from '../sts/aws-error.classifier';
import { CallPacer } from './call-pacer';
import { attemptsSpent, DEFAULT_RETRY, sendCounted, type RetryPolicy } from './call-retry';
import { mapConcurrent } from './map-concurrent';
import { PacedRetryStrategy } from './paced-retry.strategy';

/** One listing: a type in an account, from one region (account-scoped types: from any one region). */
export interface CollectTarget {
  def: ResourceTypeDefinition;
  accountId: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Identifies the credentials, so SDK clients (and their call pacers) are shared per account. */
  credentialsKey: string;
  /** Account scope: regions to try GetResource in when a list model does not tell the resource's region. */
  probeRegions?: string[];
  /** Counts every AWS call (HTTP attempt) of the listing, failed ones included. */
  stats?: { apiCalls: number };
}

/** A page of resources ready to ingest, with the AWS calls (HTTP attempts) it took. */
export interface CollectedPage {
  resources: NormalizedResource[];
  apiCalls: number;
  /**
   * When AWS was asked for the page (its ListResources was sent): no state in it is older. Stored
   * as each resource's observation time, so an older observation never overwrites a newer one.
   */
  observedAt: Date;
}

/** One resource read by GetResource: its model, or null when Cloud Control says it does not exist. */
export interface ObservedResource {
  resource: NormalizedResource | null;
  /** When the GetResource was sent (the state is at least this recent). */
  observedAt: Date;
  apiCalls: number;
}

/** GetResource calls one listing keeps in flight by default (the pacers, not this, set the rate). */
export const GET_CONCURRENCY = 16;

export interface CollectorOptions {
  /** GetResource calls in flight at once per listing. */
  getConcurrency?: number;
  retry?: RetryPolicy;
  /** SDK clients kept for reuse; the oldest go first. */
  maxClients?: number;
}

interface PacedClient {
  client: CloudControlClient;
  pacer: CallPacer;
}

interface Described {
  Identifier?: string;
  Properties?: string;
}

/**
 * Pages through Cloud Control ListResources (until NextToken is absent: MaxResults is ignored and
 * pages, even empty ones, can carry a token), completes partial models with GetResource, and yields
 * one normalized page at a time: never a whole account in memory. Errors are AwsCallError.
 */
export class CloudControlCollector {
  /** One client per (account, region) with its pacer, which every task calling there shares. */
  private readonly clients = new Map<string, PacedClient>();
  private readonly getConcurrency: number;
  private readonly retry: RetryPolicy;
  private readonly maxClients: number;

  constructor(
    private readonly config: AppConfig,
    options: CollectorOptions = {},
  ) {
    this.getConcurrency = options.getConcurrency ?? GET_CONCURRENCY;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.maxClients = options.maxClients ?? 500;
  }

  /**
   * Yields the target's resources page by page, in listing order. A listing whose models need
   * GetResource lists ahead while earlier pages' calls wait for their turn, up to DESCRIBE_AHEAD items
   * being described at once: an account's S3 buckets (each described in its own region) then keep
   * every region's rate busy instead of walking the regions one page at a time. Memory stays bounded
   * by those items; full-model listings hold one page.
   */
  async *collect(target: CollectTarget): AsyncGenerator<CollectedPage> {
    const ahead = target.def.partialList ? DESCRIBE_AHEAD : 1;
    const pending: { page: Promise<Settled<CollectedPage>>; items: number }[] = [];
    let pendingItems = 0;
    const next = async () => {
      const { page, items } = pending.shift()!;
      pendingItems -= items;
      return unwrap(await page);
    };
    const lister = {};
    let token: string | undefined;
    let carried = 0;
    // Lists one page and starts describing it; the raw response stays local to this function (it
    // is not kept while the page waits to be written).
    const listNext = async () => {
      const observedAt = new Date();
      const listed = await this.call(
        target,
        target.region,
        'ListResources',
        (c) => c.send(new ListResourcesCommand({ TypeName: target.def.type, NextToken: token })),
        { caller: lister },
      );
      token = listed.value.NextToken || undefined;
      const items = listed.value.ResourceDescriptions ?? [];
      carried += listed.attempts;
      if (!items.length) return null;
      const listCalls = carried;
      carried = 0;
      const page = this.complete(target, items).then((p) => ({
        resources: p.resources,
        apiCalls: listCalls + p.apiCalls,
        observedAt,
      }));
      return { page: settle(page), items: items.length };
    };
    try {
      do {
        const entry = await listNext();
        if (!entry) continue;
        pending.push(entry);
        pendingItems += entry.items;
        while (pending.length && pendingItems >= ahead) yield await next();
      } while (token);
      while (pending.length) yield await next();
      if (carried) yield { resources: [], apiCalls: carried, observedAt: new Date() };
    } finally {
      // Stopped early (an error, or the consumer gave up): pages still being described finish on
      // their own; their outcome is dropped, never left as an unhandled rejection.
      pending.length = 0;
    }
  }

  /**
   * GetResource of one resource in `target.region`, paced with the syncs calling there (same client
   * and pacer per account and region). Not found → `resource: null`; any other failure throws an
   * AwsCallError (access denied or throttling must never be read as "deleted").
   */
  async getOne(target: CollectTarget, identifier: string): Promise<ObservedResource> {
    const observedAt = new Date();
    try {
      const got = await this.call(target, target.region, 'GetResource', (c) =>
        c.send(new GetResourceCommand({ TypeName: target.def.type, Identifier: identifier })),
      );
      const model = parseModel(got.value.ResourceDescription?.Properties);
      const resource = normalizeResource(target.def, {
        identifier: got.value.ResourceDescription?.Identifier ?? identifier,
        properties: model,
        accountId: target.accountId,
        region: target.region,
      });
      return { resource, observedAt, apiCalls: got.attempts };
    } catch (err) {
      if (err instanceof AwsCallError && err.reason === 'not_found')
        return { resource: null, observedAt, apiCalls: attemptsSpent(err) };
      throw err;
    }
  }

  /** Nest lifecycle hook (when provided as a Nest provider). */
  onModuleDestroy(): void {
    this.destroy();
  }

  /** Closes every SDK client. */
  destroy(): void {
    for (const c of this.clients.values()) c.client.destroy();
    this.clients.clear();
  }

  private async complete(
    target: CollectTarget,
    items: Described[],
  ): Promise<Omit<CollectedPage, 'observedAt'>> {
    let apiCalls = 0;
    const described = await mapConcurrent(items, this.getConcurrency, async (item) => {
      const out = await this.describe(target, item);
      apiCalls += out.apiCalls;
      return out.resource;
    });
    return { resources: described.filter((r): r is NormalizedResource => r !== null), apiCalls };
  }

  /** One listed item as a full, normalized resource (null when it vanished since the listing). */
  private async describe(
    target: CollectTarget,
    item: Described,
  ): Promise<{ resource: NormalizedResource | null; apiCalls: number }> {
    const { def, accountId } = target;
    const identifier = item.Identifier ?? '';
    const listed = parseModel(item.Properties);
    const known = def.listScope === 'account' ? def.regionOf?.(listed) : target.region;
    if (known && !def.partialList) {
      return {
        resource: normalizeResource(def, { identifier, properties: listed, accountId, region: known }),
        apiCalls: 0,
      };
    }
    const probing = !known;
    const regions = known ? [known] : this.probeOrder(target);
    let apiCalls = 0;
    for (const region of regions) {
      try {
        const got = await this.call(
          target,
          region,
          'GetResource',
          (c) => c.send(new GetResourceCommand({ TypeName: def.type, Identifier: identifier })),
          { retry: probing ? NO_RETRY : undefined },
        );
        apiCalls += got.attempts;
        const model = parseModel(got.value.ResourceDescription?.Properties);
        return {
          resource: normalizeResource(def, { identifier, properties: model, accountId, region }),
          apiCalls,
        };
      } catch (err) {
        apiCalls += attemptsSpent(err);
        if (!(err instanceof AwsCallError)) throw err;
        if (err.reason !== 'not_found' && !(probing && isWrongRegion(err))) throw err;
      }
    }
    return { resource: null, apiCalls };
  }

  private probeOrder(target: CollectTarget): string[] {
    return [...new Set([target.region, ...(target.probeRegions ?? [])])];
  }

  /**
   * One call, paced as `caller`'s (by default the listing's GetResource calls; ListResources is a
   * caller of its own, so the next page is not queued behind the current page's calls).
   */
  private call<T>(
    target: CollectTarget,
    region: string,
    operation: string,
    send: (c: CloudControlClient) => Promise<T>,
    options: { retry?: RetryPolicy; caller?: object } = {},
  ) {
    const { client, pacer } = this.client(target, region);
    const stats = target.stats;
    const retry = options.retry ?? this.retry;
    const caller = options.caller ?? target;
    // The first attempt waits for its caller's turn here; the SDK's retries wait in PacedRetryStrategy.
    const sent = sendCounted(
      () => pacer.getSendToken(caller).then(() => send(client)),
      { operation, accountId: target.accountId, region },
      retry,
    );
    return sent.then(
      (out) => {
        if (stats) stats.apiCalls += out.attempts;
        return out;
      },
      (err: unknown) => {
        if (stats) stats.apiCalls += attemptsSpent(err);
        throw err;
      },
    );
  }

  private client(target: CollectTarget, region: string): PacedClient {
    const key = `${target.credentialsKey}/${region}`;
    let entry = this.clients.get(key);
    if (entry) return entry;
    if (this.clients.size >= this.maxClients) {
      const [oldestKey, oldest] = this.clients.entries().next().value as [string, PacedClient];
      this.clients.delete(oldestKey);
      oldest.client.destroy();
    }
    const defaults = awsClientDefaults(this.config, 'cloudcontrol', region);
    const pacer = new CallPacer({
      initialRate: this.config.SYNC_CALL_RATE_INITIAL,
      maxRate: this.config.SYNC_CALL_RATE_MAX,
    });
    const client = instrumentAwsClient(
      new CloudControlClient({
        ...defaults,
        retryStrategy: new PacedRetryStrategy(defaults.maxAttempts, pacer),
        credentials: target.credentials,
      }),
    );
    entry = { client, pacer };
    this.clients.set(key, entry);
    return entry;
  }
}

const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 0 };

/** Items of a partial-model listing being described at once (listed ahead of what was yielded). */
const DESCRIBE_AHEAD = 500;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (its failure is kept for later), so waiting on another first is safe. */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
}

/** S3's read handler outside the bucket's region: S3 answers 301 and the handler fails (GeneralServiceException). */
function isWrongRegion(err: AwsCallError): boolean {
  const cause = err.cause as { message?: string } | undefined;
  return (
    err.awsCode === 'GeneralServiceException' &&
    /Status Code: 301|PermanentRedirect/.test(cause?.message ?? err.message)
  );
}

function parseModel(json: string | undefined): ResourceModel {
  if (!json) return {};
  const parsed: unknown = JSON.parse(json);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ResourceModel) : {};
}
