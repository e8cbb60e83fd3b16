// Publishes the events of resource mutations to the default bus of their (account, region), the way
// AWS does it best-effort: API-call events only while a logging trail covers the account and region,
// and knobs for delivery delay, duplicates, drops, reordering, failed calls and noise, all drawn
// from a seeded generator so tests are deterministic.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AwsError } from '../contract';
import type { CloudTrailStore } from '../cloudtrail/cloudtrail.store';
import { createRng, hash32, type Rng } from '../cloud/util/hash';
import { EventBridgeStore, type BusEvent } from '../eventbridge/eventbridge.store';
import { apiCallEvent, eventsForMutation, type EventDraft, type ResourceMutation } from './cloudtrail-events';

export const eventKnobsSchema = z
  .object({
    seed: z.string().min(1),
    /** Fixed delay before an event reaches its bus (ms). */
    deliveryDelayMs: z.number().min(0).max(600_000),
    /** Extra random delay 0..jitter (ms). */
    deliveryJitterMs: z.number().min(0).max(600_000),
    /** Share of events delivered twice (same event id). */
    duplicateRate: z.number().min(0).max(1),
    /** Share of events never delivered. */
    dropRate: z.number().min(0).max(1),
    /** Share of events held back by `reorderDelayMs`, so later ones overtake them. */
    reorderRate: z.number().min(0).max(1),
    reorderDelayMs: z.number().min(0).max(600_000),
    /** Share of mutations followed by a failed call on the same resource (errorCode, no change). */
    failedCallRate: z.number().min(0).max(1),
    /** Share of mutations followed by an unrelated event (EKS CreateCluster, IAM, STS…). */
    noiseRate: z.number().min(0).max(1),
  })
  .strict();

export type EventKnobs = z.infer<typeof eventKnobsSchema>;

const DEFAULT_KNOBS: EventKnobs = {
  seed: 'sandbox',
  deliveryDelayMs: 0,
  deliveryJitterMs: 0,
  duplicateRate: 0,
  dropRate: 0,
  reorderRate: 0,
  reorderDelayMs: 500,
  failedCallRate: 0,
  noiseRate: 0,
};

export interface EmittedEvent {
  at: string;
  event: BusEvent;
  outcome: 'no-trail' | 'dropped' | 'scheduled' | 'delivered';
  copies: number;
  delayMs: number;
}

const MAX_EMITTED = 20_000;

export class LiveEvents {
  private knobs: EventKnobs = { ...DEFAULT_KNOBS };
  private rng: Rng = createRng(hash32(DEFAULT_KNOBS.seed));
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];
  readonly emitted: EmittedEvent[] = [];
  readonly stats = { published: 0, delivered: 0, dropped: 0, duplicated: 0, noTrail: 0 };

  constructor(private readonly deps: { events: EventBridgeStore; trails: CloudTrailStore }) {}

  get current(): EventKnobs {
    return { ...this.knobs };
  }

  /** Merges a knob patch; a new `seed` (or any patch) restarts the generator from the seed. */
  setKnobs(patch: unknown): EventKnobs {
    const parsed = eventKnobsSchema.partial().safeParse(patch ?? {});
    if (!parsed.success)
      throw new AwsError('ValidationError', `Invalid event knobs: ${z.prettifyError(parsed.error)}`, 400);
    this.knobs = { ...this.knobs, ...parsed.data };
    this.rng = createRng(hash32(this.knobs.seed));
    return this.current;
  }

  /** Publishes the events of one mutation (and, per the knobs, a failed call and noise after it). */
  mutation(m: ResourceMutation): EmittedEvent[] {
    const out = eventsForMutation(m).map((d) => this.publish(m.accountId, m.region, d));
    if (!m.error && this.rng() < this.knobs.failedCallRate)
      out.push(
        ...this.failedCall({
          ...m,
          kind: m.kind === 'delete' ? 'delete' : 'update',
          before: m.after ?? m.before,
        }),
      );
    if (this.rng() < this.knobs.noiseRate) out.push(this.noise(m.accountId, m.region));
    return out;
  }

  /** A failed call on a resource: an API-call event with errorCode and errorMessage, nothing changes. */
  failedCall(m: ResourceMutation): EmittedEvent[] {
    const error = m.error ?? {
      errorCode: 'AccessDenied',
      errorMessage: 'User is not authorized to perform this operation',
    };
    return eventsForMutation({ ...m, after: m.kind === 'delete' ? undefined : m.after, error }).map((d) =>
      this.publish(m.accountId, m.region, d),
    );
  }

  /** An unrelated event: by default an EKS CreateCluster (same event name as ECS, other source). */
  noise(accountId: string, region: string, kind = this.pickNoise()): EmittedEvent {
    const name = `noise-${randomUUID().slice(0, 8)}`;
    const calls: Record<
      string,
      [string, { eventName: string; requestParameters: unknown; responseElements: unknown }]
    > = {
      'eks-create-cluster': [
        'aws.eks',
        {
          eventName: 'CreateCluster',
          requestParameters: {
            name,
            roleArn: `arn:aws:iam::${accountId}:role/eks-cluster`,
            resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d'] },
          },
          responseElements: {
            cluster: { name, arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}`, status: 'CREATING' },
          },
        },
      ],
      'iam-create-role': [
        'aws.iam',
        {
          eventName: 'CreateRole',
          requestParameters: { roleName: name, assumeRolePolicyDocument: '{}' },
          responseElements: { role: { roleName: name, arn: `arn:aws:iam::${accountId}:role/${name}` } },
        },
      ],
      's3-put-object': [
        'aws.s3',
        {
          eventName: 'PutObject',
          requestParameters: { bucketName: name, key: 'a.txt' },
          responseElements: null,
        },
      ],
      'ec2-describe-instances': [
        'aws.ec2',
        { eventName: 'DescribeInstances', requestParameters: { instancesSet: {} }, responseElements: null },
      ],
    };
    const chosen = calls[kind];
    if (!chosen)
      throw new AwsError(
        'ValidationError',
        `noise kind must be one of ${Object.keys(calls).join(', ')}`,
        400,
      );
    return this.publish(accountId, region, apiCallEvent(accountId, region, chosen[0], chosen[1]));
  }

  /** Resolves when no delayed delivery is pending. */
  idle(): Promise<void> {
    if (!this.timers.size) return Promise.resolve();
    // Delivery timers are unref'd (they never hold a process open); a waiter does, until it is woken.
    const keepAlive = setInterval(() => undefined, 60_000);
    return new Promise((resolve) =>
      this.idleWaiters.push(() => {
        clearInterval(keepAlive);
        resolve();
      }),
    );
  }

  reset(): void {
    this.close();
    this.knobs = { ...DEFAULT_KNOBS };
    this.rng = createRng(hash32(this.knobs.seed));
    this.emitted.length = 0;
    for (const k of Object.keys(this.stats) as (keyof typeof this.stats)[]) this.stats[k] = 0;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.wakeIdle();
  }

  private pickNoise(): string {
    const kinds = ['eks-create-cluster', 'iam-create-role', 's3-put-object', 'ec2-describe-instances'];
    return kinds[Math.floor(this.rng() * kinds.length)];
  }

  private publish(accountId: string, region: string, draft: EventDraft): EmittedEvent {
    const { needsTrail, ...fields } = draft;
    const event = EventBridgeStore.event({ ...fields, account: accountId, region });
    this.stats.published++;
    const record = (outcome: EmittedEvent['outcome'], copies = 0, delayMs = 0): EmittedEvent => {
      const e = { at: new Date().toISOString(), event, outcome, copies, delayMs };
      this.emitted.push(e);
      if (this.emitted.length > MAX_EMITTED * 1.1) this.emitted.splice(0, this.emitted.length - MAX_EMITTED);
      return e;
    };
    if (needsTrail && !this.deps.trails.covers(accountId, region)) {
      this.stats.noTrail++;
      return record('no-trail');
    }
    // Draw every random number up front so the sequence does not depend on which branch runs.
    const [drop, dup, reorder, jitter] = [this.rng(), this.rng(), this.rng(), this.rng()];
    if (drop < this.knobs.dropRate) {
      this.stats.dropped++;
      return record('dropped');
    }
    const copies = dup < this.knobs.duplicateRate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    const delayMs =
      this.knobs.deliveryDelayMs +
      jitter * this.knobs.deliveryJitterMs +
      (reorder < this.knobs.reorderRate ? this.knobs.reorderDelayMs : 0);
    const deliver = () => {
      this.stats.delivered++;
      this.deps.events.route(this.deps.events.bus(accountId, region), event);
    };
    if (delayMs <= 0) {
      for (let i = 0; i < copies; i++) deliver();
      return record('delivered', copies, 0);
    }
    for (let i = 0; i < copies; i++) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          deliver();
          if (!this.timers.size) this.wakeIdle();
        },
        delayMs + i * 10,
      );
      timer.unref();
      this.timers.add(timer);
    }
    return record('scheduled', copies, Math.round(delayMs));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
