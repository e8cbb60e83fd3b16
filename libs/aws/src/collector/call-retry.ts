import { setTimeout as sleep } from 'node:timers/promises';
import { classifyAwsError, type AwsCallError, type AwsErrorContext } from '../sts/aws-error.classifier';

/** Result of one logical AWS call and what it cost (every HTTP attempt, the SDK's retries included). */
export interface Counted<T> {
  value: T;
  attempts: number;
}

export interface RetryPolicy {
  /** Extra tries after the SDK gave up on a transient error (HandlerInternalFailure, 5xx, network). */
  retries: number;
  /** Base delay in ms, doubled each time, with full jitter. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250 };

function attemptsOf(x: unknown): number {
  const n = (x as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/**
 * Sends one call; transient failures the SDK already retried get a few more tries with backoff so a
 * single flaky call does not fail a whole listing. Errors come out classified (AwsCallError) with
 * their cost in `attempts` so callers can count calls.
 */
export async function sendCounted<T>(
  send: () => Promise<T>,
  context: AwsErrorContext,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<Counted<T>> {
  let attempts = 0;
  for (let i = 0; ; i++) {
    try {
      const value = await send();
      return { value, attempts: attempts + attemptsOf(value) };
    } catch (err) {
      attempts += attemptsOf(err);
      const classified = classifyAwsError(err, context);
      if (!classified.transient || i >= policy.retries) throw withAttempts(classified, attempts);
      await sleep(Math.random() * policy.baseDelayMs * 2 ** i);
    }
  }
}

/** The attempts spent before a call failed (so failed calls count too). */
export function attemptsSpent(err: unknown): number {
  return (err as { tallyAttempts?: number }).tallyAttempts ?? 0;
}

function withAttempts(err: AwsCallError, attempts: number): AwsCallError {
  (err as AwsCallError & { tallyAttempts?: number }).tallyAttempts = attempts;
  return err;
}
