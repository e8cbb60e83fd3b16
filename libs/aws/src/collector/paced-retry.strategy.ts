import { setTimeout as sleep } from 'node:timers/promises';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';
import type { CallPacer } from './call-pacer';

/**
 * The SDK's adaptive retries with our pacer as the rate limiter. The first attempt has already had
 * its turn (the collector asks the pacer, as the caller it is, before sending: the SDK cannot say
 * whose call it sends). A retry waits out its backoff *before* it asks for a turn (the SDK's own
 * adaptive strategy asks first and sleeps after, so its retries go out unpaced, in bursts that get
 * throttled again); the SDK allows a strategy to delay internally and return a token with no delay.
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

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    this.pacer.updateClientSendingRate(errorInfo);
    const next = await this.standard.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
    await sleep(next.getRetryDelay());
    await this.pacer.getRetryTurn();
    // The same token (count, cost) with its delay already spent.
    return Object.create(next, { getRetryDelay: { value: () => 0 } }) as RetryToken;
  }

  recordSuccess(token: RetryToken): void {
    this.pacer.updateClientSendingRate({});
    this.standard.recordSuccess(token as StandardRetryToken);
  }
}
