import { TallyError } from '@tally/common';

/** 401: no usable API key. */
export class UnauthorizedError extends TallyError {
  constructor(message: string) {
    super('unauthorized', message, {
      remediation:
        'Send an API key as "Authorization: Bearer tly_…"; ask an administrator for a new key if yours was revoked or expired.',
    });
  }
}

/** 403: the key is valid but its role cannot do this (only for admin-only actions, never across tenants). */
export class ForbiddenError extends TallyError {
  constructor(message: string) {
    super('forbidden', message, { remediation: 'Use an admin API key for this call.' });
  }
}

/** 429: the key used up its requests for this minute. */
export class RateLimitedError extends TallyError {
  constructor(
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super('rate_limited', `This API key may make ${limit} requests per minute.`, {
      remediation: `Retry after ${retryAfterSeconds} seconds.`,
    });
  }
}
