import type {
  DeserializeMiddleware,
  HandlerExecutionContext,
  InitializeMiddleware,
  MiddlewareStack,
} from '@smithy/types';
import { metrics as processMetrics, type AwsCallOutcome, type Metrics } from './metrics';

// Type-only import: @smithy/types ships with every @aws-sdk client and nothing of it reaches the build.

type Stack = MiddlewareStack<any, any>;
/** Anything with an SDK v3 middleware stack (every `@aws-sdk/client-*` client). */
export interface InstrumentableClient {
  middlewareStack: Stack;
}
type MiddlewareContext = HandlerExecutionContext;

interface AwsErrorLike {
  name?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);
const DENIED =
  /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden|InvalidIdentityToken|ExpiredToken/i;

/** Classifies an SDK error into the few outcomes the metrics distinguish. */
export function classifyAwsError(err: unknown): AwsCallOutcome {
  const e = (err ?? {}) as AwsErrorLike;
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429) return 'throttled';
  if (DENIED.test(name) || status === 403) return 'denied';
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'server_error';
  if (e.$fault === 'client' || (status !== undefined && status >= 400)) return 'client_error';
  return 'network_error';
}

/** 'STSClient' -> 'sts', 'CloudControlClient' -> 'cloudcontrol'. */
function serviceOf(context: MiddlewareContext): string {
  return (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
}

function operationOf(context: MiddlewareContext): string {
  return (context.commandName ?? 'unknown').replace(/Command$/, '');
}

/**
 * Adds call and throttling metrics to an SDK v3 client (idempotent): one logical call per command
 * with its latency including retries, plus one throttle event per throttled attempt.
 */
export function instrumentAwsClient<C extends InstrumentableClient>(
  client: C,
  m: Metrics = processMetrics,
): C {
  const call: InitializeMiddleware<any, any> = (next, context) => async (args) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const out = await next(args);
      m.awsCall(serviceOf(context), operationOf(context), 'ok', seconds());
      return out;
    } catch (err) {
      m.awsCall(serviceOf(context), operationOf(context), classifyAwsError(err), seconds());
      throw err;
    }
  };
  // In the deserialize step, outside the deserializer and inside the retry loop: sees every attempt's parsed error.
  const attempt: DeserializeMiddleware<any, any> = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      if (classifyAwsError(err) === 'throttled') m.throttled(serviceOf(context));
      throw err;
    }
  };
  client.middlewareStack.add(call, {
    step: 'initialize',
    name: 'tallyAwsCallMetrics',
    priority: 'high',
    override: true,
  });
  client.middlewareStack.add(attempt, {
    step: 'deserialize',
    name: 'tallyAwsThrottleMetrics',
    priority: 'high',
    override: true,
  });
  return client;
}
