import { isTransientError } from '@smithy/core/retry';
import {
  type DeserializeMiddleware,
  type HandlerExecutionContext,
  type InitializeMiddleware,
  type MiddlewareStack,
} from '@smithy/types';
import type { AwsCallOutcome, Metrics } from '@tally/metrics';
import {
  awsErrorCode,
  classifyAwsError,
  isThrottled,
  isWrongRegion,
  type AwsFailureReason,
} from '../sts/aws-error.classifier';

/** Anything with an SDK v3 middleware stack (every `@aws-sdk/client-*` client). */
export interface InstrumentableClient {
  middlewareStack: MiddlewareStack<any, any>;
}

/** The AWS calls made for one piece of work (a task's listing, a discovery): every HTTP attempt, failed ones and retries included. */
export interface CallCount {
  apiCalls: number;
}

/**
 * Keyed by the command's input object, which the SDK passes to every step of that command's own
 * invocation. Not by the command instance: with `cacheMiddleware` the SDK reuses one resolved
 * handler (and its context, which names the first command) for every command of a class.
 */
const countOf = new WeakMap<object, CallCount>();

/** `command`, whose every attempt the client's middleware also adds to `count` (the one place calls are counted). */
export function countedIn<C extends { input: object }>(command: C, count: CallCount | undefined): C {
  if (count) countOf.set(command.input, count);
  return command;
}

/** Failures Tally retries that the SDK would not (Cloud Control's handler failures answer 4xx). */
const RETRIED: ReadonlySet<AwsFailureReason> = new Set(['service_error', 'network']);

/** The few outcomes the call metrics distinguish. */
export function awsCallOutcome(err: unknown): AwsCallOutcome {
  if (isThrottled(err)) return 'throttled';
  const e = (err ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (DENIED.test(awsErrorCode(err) ?? '') || status === 403) return 'denied';
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'server_error';
  if (e.$fault === 'client' || (status !== undefined && status >= 400)) return 'client_error';
  return 'network_error';
}

const DENIED =
  /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden|InvalidIdentityToken|ExpiredToken/i;

/** 'STSClient' -> 'sts', 'CloudControlClient' -> 'cloudcontrol'. */
function serviceOf(context: HandlerExecutionContext): string {
  return (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
}

function operationOf(context: HandlerExecutionContext): string {
  return (context.commandName ?? 'unknown').replace(/Command$/, '');
}

/**
 * Tally's middleware on an SDK v3 client (idempotent), the one place AWS calls are observed:
 * - per command: the call metrics (outcome after the SDK's retries, latency), and STS assumptions;
 * - per HTTP attempt (inside the SDK's retry loop): the call count of the work the command was
 *   `countedIn`, throttle metrics, and marking the failures Tally deems transient but the SDK does
 *   not (Cloud Control's handler failures) as retryable, so the SDK's retry strategy is the only
 *   layer that retries a call.
 */
export function instrumentAwsClient<C extends InstrumentableClient>(client: C, metrics: Metrics): C {
  // The outer functions run once per resolved handler (per command class, the stack being cached):
  // names are worked out there, not on every call.
  const call: InitializeMiddleware<any, any> = (next, context) => {
    const service = serviceOf(context);
    const operation = operationOf(context);
    return async (args) => {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const out = await next(args);
        metrics.awsCall(service, operation, 'ok', seconds());
        if (operation === 'AssumeRoleWithWebIdentity') metrics.stsAssume('ok');
        return out;
      } catch (err) {
        metrics.awsCall(service, operation, awsCallOutcome(err), seconds());
        if (operation === 'AssumeRoleWithWebIdentity')
          metrics.stsAssume(classifyAwsError(err, { operation }).reason);
        throw err;
      }
    };
  };
  // In the deserialize step, outside the deserializer and inside the retry loop: one pass per attempt.
  const attempt: DeserializeMiddleware<any, any> = (next, context) => {
    const service = serviceOf(context);
    const operation = operationOf(context);
    return async (args) => {
      const count = countOf.get(args.input as object);
      if (count) count.apiCalls++;
      try {
        return await next(args);
      } catch (err) {
        if (isThrottled(err)) metrics.throttled(service);
        else if (retriedByTally(err, operation)) (err as { $retryable?: object }).$retryable = {};
        throw err;
      }
    };
  };
  client.middlewareStack.add(call, {
    step: 'initialize',
    name: 'tallyAwsCallMetrics',
    priority: 'high',
    override: true,
  });
  client.middlewareStack.add(attempt, {
    step: 'deserialize',
    name: 'tallyAwsAttempts',
    priority: 'high',
    override: true,
  });
  return client;
}

function retriedByTally(err: unknown, operation: string): boolean {
  if (!err || typeof err !== 'object' || isTransientError(err as Parameters<typeof isTransientError>[0]))
    return false;
  return RETRIED.has(classifyAwsError(err, { operation }).reason) && !isWrongRegion(err);
}
