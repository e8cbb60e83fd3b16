// Token-bucket throttling per (account, region, service), like AWS's per-account API rate limits.
import type { ThrottleSettings } from '../scenario/scenario.schema';

interface Bucket {
  tokens: number;
  updatedAt: number;
  rate: number;
  burst: number;
}

type Rule = ThrottleSettings['rules'][number];

function specificity(r: Rule): number {
  return (r.accountId ? 4 : 0) + (r.region ? 2 : 0) + (r.service ? 1 : 0);
}

export class ThrottleLimiter {
  private buckets = new Map<string, Bucket | null>();

  constructor(
    private settings: ThrottleSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Replaces the limits (live, from the control endpoint); every bucket starts full again. */
  update(settings: ThrottleSettings): void {
    this.settings = settings;
    this.buckets.clear();
  }

  get current(): ThrottleSettings {
    return this.settings;
  }

  /** Takes one token; false means the call must be throttled. */
  tryTake(accountId: string, region: string, service: string): boolean {
    const key = `${accountId}|${region}|${service}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = this.newBucket(accountId, region, service);
      this.buckets.set(key, bucket);
    }
    if (bucket === null) return true;
    const now = this.now();
    bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * bucket.rate);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private newBucket(accountId: string, region: string, service: string): Bucket | null {
    let best: Rule | undefined;
    for (const r of this.settings.rules) {
      if (
        (r.accountId && r.accountId !== accountId) ||
        (r.region && r.region !== region) ||
        (r.service && r.service !== service)
      )
        continue;
      if (!best || specificity(r) >= specificity(best)) best = r;
    }
    const rate = best?.ratePerSecond ?? this.settings.ratePerSecond;
    const burst = best?.burst ?? this.settings.burst;
    if (rate === null) return null;
    return { tokens: burst, updatedAt: this.now(), rate, burst };
  }
}
