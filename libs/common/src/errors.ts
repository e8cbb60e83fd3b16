/** Who can fix a failure: the customer (their AWS setup), nobody but time (transient), or us. */
export type ErrorKind = 'customer' | 'transient' | 'internal';

/** Domain error codes; the API maps each to an HTTP status in one filter. */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  /** A change-feed cursor older than retention (410 Gone). */
  | 'cursor_expired'
  | 'aws_error'
  | 'internal';

/** A failure the product knows how to explain. `remediation` says what the reader can do. */
export class TallyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      kind?: ErrorKind;
      awsCode?: string;
      remediation?: string;
      fields?: FieldError[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'TallyError';
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export class NotFoundError extends TallyError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

export class ValidationError extends TallyError {
  constructor(fields: FieldError[], message = 'The request is invalid') {
    super('validation_failed', message, { fields });
  }
}
