import type { AppConfig } from '@tally/config';
import { organizationsRegion } from '../partition/partition';

export type AwsServiceName = 'cloudcontrol' | 'organizations' | 'sts' | 'sqs' | 'eventbridge' | 'cloudtrail';

export interface AwsClientDefaults {
  region: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
  /**
   * The SDK resolves a command's middleware stack once per command class, not on every send (it
   * was the largest cost per call the worker had: the stack cloned, sorted and built each time).
   * The middleware must then be complete before the first send (AwsClients adds Tally's at once).
   */
  cacheMiddleware: true;
}

const ENDPOINT_VARIABLE = {
  cloudcontrol: 'AWS_ENDPOINT_URL_CLOUDCONTROL',
  organizations: 'AWS_ENDPOINT_URL_ORGANIZATIONS',
  sts: 'AWS_ENDPOINT_URL_STS',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  eventbridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  cloudtrail: 'AWS_ENDPOINT_URL_CLOUDTRAIL',
} as const;

// Cloud Control throttles routinely under inventory load: give it more attempts.
const MAX_ATTEMPTS = {
  cloudcontrol: 6,
  organizations: 4,
  sts: 3,
  sqs: 3,
  eventbridge: 3,
  cloudtrail: 3,
} as const;

/**
 * The options every AWS SDK client is built with: region, the sandbox endpoint only when its
 * AWS_ENDPOINT_URL_* is set, and adaptive retries. `region` overrides the home region (Cloud Control).
 */
export function awsClientDefaults(
  config: AppConfig,
  service: AwsServiceName,
  region?: string,
): AwsClientDefaults {
  const endpoint = config[ENDPOINT_VARIABLE[service]];
  const home = region ?? config.AWS_REGION;
  return {
    region: service === 'organizations' ? organizationsRegion(home) : home,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: MAX_ATTEMPTS[service],
    retryMode: 'adaptive',
    cacheMiddleware: true,
  };
}
