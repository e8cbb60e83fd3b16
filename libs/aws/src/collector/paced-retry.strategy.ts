import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';
import type { CallPacer } from './call-pacer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The SDK's adaptive retries with our pacer as the rate limiter. Unlike the SDK's own adaptive
 * strategy, a retry waits out its backoff *before* it asks the pacer for a turn (the SDK asks first
 * and sleeps after, so its retries go out unpaced, in bursts that get throttled again). The SDK
 * allows this: a strategy may delay internally and hand back a token with no delay.
 */
export class PacedRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'adaptive';
  private readonly standard: StandardRetryStrategy;

  constructor(
    maxAttempts: number,
    private readonly pacer: CallPacer,
  ) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    const token = await this.standard.acquireInitialRetryToken(scope);
    await this.pacer.getSendToken();
    return token;
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    this.pacer.updateClientSendingRate(errorInfo);
    const next = await this.standard.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
    await sleep(next.getRetryDelay());
    await this.pacer.getSendToken();
    // The same token (count, cost) with its delay already spent.
    return Object.create(next, { getRetryDelay: { value: () => 0 } }) as RetryToken;
  }

  recordSuccess(token: RetryToken): void {
    this.pacer.updateClientSendingRate({});
    this.standard.recordSuccess(token as StandardRetryToken);
  }
}
