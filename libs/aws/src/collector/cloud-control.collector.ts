import { CloudControlClient, GetResourceCommand, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AppConfig } from '@tally/config';
import { instrumentAwsClient } from '@tally/metrics';
import { awsClientDefaults } from '../credentials/aws-client-defaults';
import { normalizeResource } from '../registry/registry';
import type { NormalizedResource, ResourceModel, ResourceTypeDefinition } from '../registry/resource-type';
import { AwsCallError } from '../sts/aws-error.classifier';
import { attemptsSpent, DEFAULT_RETRY, sendCounted, type RetryPolicy } from './call-retry';
import { mapConcurrent } from './map-concurrent';

/** One listing: a type in an account, from one region (account-scoped types: from any one region). */
export interface CollectTarget {
  def: ResourceTypeDefinition;
  accountId: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Identifies the credentials, so SDK clients (and their adaptive rate limiters) are shared per account. */
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
}

export interface CollectorOptions {
  /** GetResource calls in flight at once per listing. */
  getConcurrency?: number;
  retry?: RetryPolicy;
  /** SDK clients kept for reuse; the oldest go first. */
  maxClients?: number;
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
  private readonly clients = new Map<string, CloudControlClient>();
  private readonly getConcurrency: number;
  private readonly retry: RetryPolicy;
  private readonly maxClients: number;

  constructor(
    private readonly config: AppConfig,
    options: CollectorOptions = {},
  ) {
    this.getConcurrency = options.getConcurrency ?? 8;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.maxClients = options.maxClients ?? 500;
  }

  /** Yields the target's resources page by page. */
  async *collect(target: CollectTarget): AsyncGenerator<CollectedPage> {
    let token: string | undefined;
    let carried = 0;
    do {
      const listed = await this.call(target, target.region, 'ListResources', (c) =>
        c.send(new ListResourcesCommand({ TypeName: target.def.type, NextToken: token })),
      );
      token = listed.value.NextToken || undefined;
      const items = listed.value.ResourceDescriptions ?? [];
      carried += listed.attempts;
      if (!items.length) continue;
      const page = await this.complete(target, items);
      yield { resources: page.resources, apiCalls: carried + page.apiCalls };
      carried = 0;
    } while (token);
    if (carried) yield { resources: [], apiCalls: carried };
  }

  /** Nest lifecycle hook (when provided as a Nest provider). */
  onModuleDestroy(): void {
    this.destroy();
  }

  /** Closes every SDK client. */
  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private async complete(target: CollectTarget, items: Described[]): Promise<CollectedPage> {
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
          probing ? NO_RETRY : undefined,
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

  private call<T>(
    target: CollectTarget,
    region: string,
    operation: string,
    send: (c: CloudControlClient) => Promise<T>,
    retry: RetryPolicy = this.retry,
  ) {
    const client = this.client(target, region);
    const stats = target.stats;
    return sendCounted(() => send(client), { operation, accountId: target.accountId, region }, retry).then(
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

  private client(target: CollectTarget, region: string): CloudControlClient {
    const key = `${target.credentialsKey}/${region}`;
    let client = this.clients.get(key);
    if (client) return client;
    if (this.clients.size >= this.maxClients) {
      const [oldestKey, oldest] = this.clients.entries().next().value as [string, CloudControlClient];
      this.clients.delete(oldestKey);
      oldest.destroy();
    }
    client = instrumentAwsClient(
      new CloudControlClient({
        ...awsClientDefaults(this.config, 'cloudcontrol', region),
        credentials: target.credentials,
      }),
    );
    this.clients.set(key, client);
    return client;
  }
}

const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 0 };

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
