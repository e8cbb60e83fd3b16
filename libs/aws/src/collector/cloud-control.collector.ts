import { CloudControlClient, GetResourceCommand, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { countedIn, type CallCount } from '../clients/aws-call.middleware';
import type { AwsClients } from '../clients/aws-clients';
import { normalizeResource } from '../registry/registry';
import type { NormalizedResource, ResourceModel, ResourceTypeDefinition } from '../registry/resource-type';
import { AwsCallError, classifyAwsError, isWrongRegion } from '../sts/aws-error.classifier';
import { CallPacer } from './call-pacer';
import { mapConcurrent } from './map-concurrent';

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
  /** Where the SDK middleware counts every AWS call (HTTP attempt) of the listing, failed ones included. */
  calls?: CallCount;
}

/** A page of resources ready to ingest. */
export interface CollectedPage {
  resources: NormalizedResource[];
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
}

/** GetResource calls one listing keeps in flight by default (the pacers, not this, set the rate). */
export const GET_CONCURRENCY = 16;

export interface CollectorOptions {
  /** GetResource calls in flight at once per listing. */
  getConcurrency?: number;
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
 * one normalized page at a time: never a whole account in memory. Errors are AwsCallError. A call
 * is retried by the SDK only (PacedRetryStrategy: throttles, and failures Tally deems transient).
 */
export class CloudControlCollector {
  /** One client per (account, region) with its pacer, which every task calling there shares. */
  private readonly paced = new Map<string, PacedClient>();
  private readonly getConcurrency: number;
  private readonly maxClients: number;

  constructor(
    private readonly clients: AwsClients,
    options: CollectorOptions = {},
  ) {
    this.getConcurrency = options.getConcurrency ?? GET_CONCURRENCY;
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
    const { def, calls } = target;
    let token: string | undefined;
    // Lists one page and starts describing it; the raw response stays local to this function (it
    // is not kept while the page waits to be written).
    const listNext = async () => {
      const observedAt = new Date();
      const listed = await this.call(
        target,
        target.region,
        'ListResources',
        (c) => c.send(countedIn(new ListResourcesCommand({ TypeName: def.type, NextToken: token }), calls)),
        lister,
      );
      token = listed.NextToken || undefined;
      const items = listed.ResourceDescriptions ?? [];
      if (!items.length) return null;
      const page = this.complete(target, items).then((resources) => ({ resources, observedAt }));
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
    const { def, accountId, region } = target;
    const observedAt = new Date();
    try {
      const got = await this.call(target, region, 'GetResource', (c) =>
        c.send(
          countedIn(new GetResourceCommand({ TypeName: def.type, Identifier: identifier }), target.calls),
        ),
      );
      const model = parseModel(got.ResourceDescription?.Properties);
      const id = got.ResourceDescription?.Identifier ?? identifier;
      return {
        resource: normalizeResource(def, { identifier: id, properties: model, accountId, region }),
        observedAt,
      };
    } catch (err) {
      if (err instanceof AwsCallError && err.reason === 'not_found') return { resource: null, observedAt };
      throw err;
    }
  }

  /** Nest's last shutdown phase (when provided as a Nest provider), after active jobs. */
  onApplicationShutdown(): void {
    this.destroy();
  }

  /** Closes every SDK client. */
  destroy(): void {
    for (const c of this.paced.values()) c.client.destroy();
    this.paced.clear();
  }

  private async complete(target: CollectTarget, items: Described[]): Promise<NormalizedResource[]> {
    const described = await mapConcurrent(items, this.getConcurrency, (item) => this.describe(target, item));
    return described.filter((r): r is NormalizedResource => r !== null);
  }

  /** One listed item as a full, normalized resource (null when it vanished since the listing). */
  private async describe(target: CollectTarget, item: Described): Promise<NormalizedResource | null> {
    const { def, accountId } = target;
    const identifier = item.Identifier ?? '';
    const listed = parseModel(item.Properties);
    const known = def.listScope === 'account' ? def.regionOf?.(listed) : target.region;
    if (known && !def.partialList) {
      return normalizeResource(def, { identifier, properties: listed, accountId, region: known });
    }
    const probing = !known;
    const regions = known ? [known] : this.probeOrder(target);
    for (const region of regions) {
      try {
        const got = await this.call(target, region, 'GetResource', (c) =>
          c.send(
            countedIn(new GetResourceCommand({ TypeName: def.type, Identifier: identifier }), target.calls),
          ),
        );
        const model = parseModel(got.ResourceDescription?.Properties);
        return normalizeResource(def, { identifier, properties: model, accountId, region });
      } catch (err) {
        if (!(err instanceof AwsCallError)) throw err;
        if (err.reason !== 'not_found' && !(probing && isWrongRegion(err))) throw err;
      }
    }
    return null;
  }

  private probeOrder(target: CollectTarget): string[] {
    return [...new Set([target.region, ...(target.probeRegions ?? [])])];
  }

  /**
   * One call, paced as `caller`'s (by default the listing's GetResource calls; ListResources is a
   * caller of its own, so the next page is not queued behind the current page's calls).
   */
  private async call<T>(
    target: CollectTarget,
    region: string,
    operation: string,
    send: (client: CloudControlClient) => Promise<T>,
    caller: object = target,
  ): Promise<T> {
    const { client, pacer } = this.client(target, region);
    // The first attempt waits for its caller's turn here; the SDK's retries wait in PacedRetryStrategy.
    await pacer.getSendToken(caller);
    try {
      return await send(client);
    } catch (err) {
      throw classifyAwsError(err, { operation, accountId: target.accountId, region });
    }
  }

  private client(target: CollectTarget, region: string): PacedClient {
    const key = `${target.credentialsKey}/${region}`;
    let entry = this.paced.get(key);
    if (entry) return entry;
    if (this.paced.size >= this.maxClients) {
      const [oldestKey, oldest] = this.paced.entries().next().value as [string, PacedClient];
      this.paced.delete(oldestKey);
      oldest.client.destroy();
    }
    const { config } = this.clients;
    const pacer = new CallPacer({
      initialRate: config.SYNC_CALL_RATE_INITIAL,
      maxRate: config.SYNC_CALL_RATE_MAX,
    });
    entry = { client: this.clients.cloudControl(region, target.credentials, pacer), pacer };
    this.paced.set(key, entry);
    return entry;
  }
}

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

function parseModel(json: string | undefined): ResourceModel {
  if (!json) return {};
  const parsed: unknown = JSON.parse(json);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ResourceModel) : {};
}
