import type { ErrorCode } from '@tally/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** HTTP status and title of each domain error code: the one place codes become HTTP. */
export const CODE_STATUS: Record<ErrorCode, { status: number; title: string }> = {
  validation_failed: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  cursor_expired: { status: 410, title: 'Cursor expired' },
  rate_limited: { status: 429, title: 'Too many requests' },
  aws_error: { status: 502, title: 'AWS call failed' },
  internal: { status: 500, title: 'Internal error' },
};

export function problemType(code: string): string {
  return `https://tally.dev/problems/${code.replace(/_/g, '-')}`;
}
