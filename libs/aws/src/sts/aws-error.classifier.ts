import { isThrottlingError } from '@smithy/core/retry';
import { TallyError, type ErrorKind } from '@tally/common';

/** Why an AWS call failed, in terms of what somebody has to do about it. */
export type AwsFailureReason =
  | 'oidc_provider_missing'
  | 'audience_rejected'
  | 'token_rejected'
  | 'trust_policy_rejected'
  | 'idp_unreachable'
  | 'region_disabled'
  | 'token_expired'
  | 'access_denied'
  | 'organizations_not_in_use'
  | 'unsupported'
  | 'not_found'
  | 'invalid_request'
  | 'credentials_expired'
  | 'throttled'
  | 'service_error'
  | 'network'
  | 'unknown';

/** A classified AWS failure: a TallyError (code `aws_error`) with a machine-readable reason. */
export class AwsCallError extends TallyError {
  constructor(
    readonly reason: AwsFailureReason,
    message: string,
    details: { kind: ErrorKind; awsCode?: string; remediation?: string; cause?: unknown },
  ) {
    super('aws_error', message, details);
    this.name = 'AwsCallError';
  }

  get kind(): ErrorKind {
    return this.details.kind ?? 'internal';
  }

  get awsCode(): string | undefined {
    return this.details.awsCode;
  }

  get remediation(): string | undefined {
    return this.details.remediation;
  }

  /** Worth retrying later without anybody changing anything. */
  get transient(): boolean {
    return this.kind === 'transient';
  }
}

/** What the call was about: used to name things in messages. Never put secrets here. */
export interface AwsErrorContext {
  /** e.g. `AssumeRoleWithWebIdentity`, `ListResources`. */
  operation?: string;
  roleArn?: string;
  accountId?: string;
  issuer?: string;
  audience?: string;
  region?: string;
}

interface SdkErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'NetworkingError',
]);
const SERVICE_ERRORS = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
  'HandlerInternalFailureException',
  'ServiceInternalError',
  'ServiceInternalErrorException',
  'NetworkFailureException',
  'GeneralServiceException',
  'ConcurrentModificationException',
]);

/**
 * Whether AWS throttled the call: the SDK's own test (its list of throttling codes, HTTP 429, the
 * model's throttling trait), the one the SDK's retries and our pacer act on. Tally's classification,
 * the retries and the metrics all use this, so they never disagree.
 */
export function isThrottled(err: unknown): boolean {
  return (
    !!err && typeof err === 'object' && isThrottlingError(err as Parameters<typeof isThrottlingError>[0])
  );
}

/**
 * S3's read handler called outside the bucket's region: S3 answers 301 and the handler fails
 * (GeneralServiceException). Probing regions expects it; retrying it never helps.
 */
export function isWrongRegion(err: unknown): boolean {
  const raw = err instanceof AwsCallError ? err.cause : err;
  const message = (raw as { message?: unknown } | undefined)?.message;
  return (
    awsErrorCode(raw) === 'GeneralServiceException' &&
    typeof message === 'string' &&
    /Status Code: 301|PermanentRedirect/.test(message)
  );
}

/** The wire error code of an SDK error, without a namespace (`com.amazon.coral.service#X` -> `X`). */
export function awsErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as SdkErrorLike;
  const raw = [e.Code, e.name, e.code].find((v) => typeof v === 'string' && v && v !== 'Error');
  return typeof raw === 'string' ? raw.replace(/^.*#/, '').replace(/:.*$/, '') : undefined;
}

/**
 * Turns any AWS SDK (or network) error into an AwsCallError whose message and remediation a
 * customer can act on, and whose kind says whether retrying later is the fix.
 */
export function classifyAwsError(err: unknown, context: AwsErrorContext = {}): AwsCallError {
  if (err instanceof AwsCallError) return err;
  const code = awsErrorCode(err);
  const status = (err as SdkErrorLike | undefined)?.$metadata?.httpStatusCode;
  const awsMessage =
    typeof (err as SdkErrorLike | undefined)?.message === 'string'
      ? String((err as SdkErrorLike).message)
      : '';
  const make = (reason: AwsFailureReason, kind: ErrorKind, message: string, remediation?: string) =>
    new AwsCallError(reason, message, { kind, awsCode: code, remediation, cause: err });
  const c = { ...context, code: code ?? 'unknown', awsMessage: awsMessage.slice(0, 300) };
  return (
    stsFailure(code, c, make) ??
    accessFailure(code, c, make) ??
    transientFailure(err, code, status, c, make) ??
    make(
      'unknown',
      status !== undefined && status >= 500 ? 'transient' : 'internal',
      `AWS ${c.operation ?? 'call'} failed: ${c.code}${c.awsMessage ? ` (${c.awsMessage})` : ''}`,
    )
  );
}

type Ctx = AwsErrorContext & { code: string; awsMessage: string };
type Make = (
  reason: AwsFailureReason,
  kind: ErrorKind,
  message: string,
  remediation?: string,
) => AwsCallError;

const role = (c: Ctx) => c.roleArn ?? 'the Tally role';
const account = (c: Ctx) => (c.accountId ? `account ${c.accountId}` : 'the account');

function stsFailure(code: string | undefined, c: Ctx, make: Make): AwsCallError | undefined {
  switch (code) {
    case 'InvalidIdentityToken':
    case 'InvalidIdentityTokenException':
      return invalidIdentityToken(c, make);
    case 'IDPCommunicationError':
    case 'IDPCommunicationErrorException':
      return make(
        'idp_unreachable',
        'transient',
        `AWS could not reach Tally's OIDC issuer ${c.issuer ?? ''} to verify the token`.trim(),
        'This is usually temporary; retry in a few minutes. If it persists, the issuer URL configured in Tally is not reachable from AWS over HTTPS: the operator must fix OIDC_ISSUER_URL or its TLS certificate.',
      );
    case 'IDPRejectedClaim':
    case 'IDPRejectedClaimException':
      return make(
        'token_rejected',
        'customer',
        `AWS rejected a claim of Tally's token for ${role(c)}`,
        `Check that the OIDC provider in ${account(c)} is the one created by the Tally stack and redeploy the stack.`,
      );
    case 'RegionDisabledException':
      return make(
        'region_disabled',
        'customer',
        `STS is not activated in region ${c.region ?? ''} for ${account(c)}`.replace('  ', ' '),
        `Enable the region in the AWS account settings, or activate STS for it in IAM > Account settings > Security Token Service (STS).`,
      );
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      if (c.operation === 'AssumeRoleWithWebIdentity') {
        return make(
          'token_expired',
          'transient',
          "AWS considered Tally's freshly minted token expired (clock skew)",
          'Retry; if it keeps happening the clock of the Tally server is wrong: the operator must synchronise it (NTP).',
        );
      }
      return make(
        'credentials_expired',
        'transient',
        'The AWS session credentials expired during the call',
        'Retry: Tally refreshes the session automatically.',
      );
    case 'MalformedPolicyDocument':
    case 'MalformedPolicyDocumentException':
    case 'PackedPolicyTooLarge':
    case 'PackedPolicyTooLargeException':
    case 'ValidationError':
      return make(
        'invalid_request',
        'internal',
        `AWS rejected Tally's ${c.operation ?? 'request'}: ${c.awsMessage || code}`,
        'Contact Tally support; nothing in your account needs changing.',
      );
    default:
      return undefined;
  }
}

function invalidIdentityToken(c: Ctx, make: Make): AwsCallError {
  const m = c.awsMessage;
  if (/no openid ?connect provider/i.test(m)) {
    return make(
      'oidc_provider_missing',
      'customer',
      `${account(c)} has no IAM OIDC provider for Tally's issuer ${c.issuer ?? ''}`.replace(/^a/, 'A').trim(),
      `Deploy the Tally CloudFormation stack in ${account(c)} (it creates the OIDC provider and the role). If it is deployed, its issuer parameter must be exactly ${c.issuer ? c.issuer.replace(/^https?:\/\//, '') : 'the issuer host shown in the onboarding instructions'}: update the stack with that value.`,
    );
  }
  if (/audience/i.test(m)) {
    return make(
      'audience_rejected',
      'customer',
      `The IAM OIDC provider in ${account(c)} does not accept Tally's audience ${c.audience ?? ''}`.trim(),
      `Add ${c.audience ?? 'the audience shown in the onboarding instructions'} to the provider's client ID list (Audience parameter of the Tally stack) and update the stack.`,
    );
  }
  return make(
    'token_rejected',
    'customer',
    `AWS could not validate Tally's token for ${role(c)}: ${m || 'InvalidIdentityToken'}`,
    `Make sure the OIDC provider in ${account(c)} was created by the Tally stack for issuer ${c.issuer ?? 'shown in the onboarding instructions'}; redeploy the stack if it was changed by hand.`,
  );
}

function accessFailure(code: string | undefined, c: Ctx, make: Make): AwsCallError | undefined {
  switch (code) {
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'AccessDeniedForDependencyException':
    case 'UnauthorizedOperation':
    case 'AuthorizationError':
      if (c.operation === 'AssumeRoleWithWebIdentity') {
        return make(
          'trust_policy_rejected',
          'customer',
          `AWS denied Tally access to ${role(c)}: the role does not exist or its trust policy does not accept this connection's subject`,
          `Deploy (or update) the Tally CloudFormation stack in ${account(c)} with the role name and subject shown in the onboarding instructions; do not edit the role's trust policy by hand.`,
        );
      }
      return make(
        'access_denied',
        'customer',
        `${role(c)} is not allowed to call ${c.operation ?? 'this AWS API'}${c.awsMessage ? `: ${c.awsMessage}` : ''}`,
        `Update the Tally CloudFormation stack in ${account(c)} to the latest template so the role has the read-only permissions Tally needs, and check that no SCP or permissions boundary denies it.`,
      );
    case 'AWSOrganizationsNotInUseException':
      return make(
        'organizations_not_in_use',
        'customer',
        `${account(c)} is not part of an AWS Organization`.replace(/^a/, 'A'),
        'Create the connection in "account" mode, or use the organization\'s management account id.',
      );
    case 'UnsupportedActionException':
    case 'TypeNotFoundException':
      return make(
        'unsupported',
        'internal',
        `AWS does not support ${c.operation ?? 'this operation'} here: ${c.awsMessage || code}`,
        'No action needed: Tally skips this resource type where it is unsupported.',
      );
    case 'ResourceNotFoundException':
    case 'NoSuchEntity':
    case 'NotFound':
      return make('not_found', 'customer', `AWS could not find the resource: ${c.awsMessage || code}`);
    case 'InvalidRequestException':
    case 'ValidationException':
    case 'InvalidInputException':
    case 'InvalidParameterValue':
    case 'InvalidParameterValueException':
      return make(
        'invalid_request',
        'internal',
        `AWS rejected Tally's ${c.operation ?? 'request'}: ${c.awsMessage || code}`,
        'Contact Tally support; nothing in your account needs changing.',
      );
    case 'OptInRequired':
      return make(
        'region_disabled',
        'customer',
        `The region ${c.region ?? ''} is not enabled for ${account(c)}`.replace('  ', ' '),
        'Enable the region in the AWS account settings, or remove it from the connection.',
      );
    case 'InvalidClientTokenId':
    case 'UnrecognizedClientException':
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
      return make(
        'credentials_expired',
        'transient',
        `AWS did not accept the session credentials (${code})`,
        'Retry: Tally refreshes the session automatically. If the region was just enabled, wait a few minutes.',
      );
    default:
      return undefined;
  }
}

function transientFailure(
  err: unknown,
  code: string | undefined,
  status: number | undefined,
  c: Ctx,
  make: Make,
): AwsCallError | undefined {
  if (isThrottled(err)) {
    return make(
      'throttled',
      'transient',
      `AWS throttled ${c.operation ?? 'the call'}`,
      'No action needed: Tally retries with backoff.',
    );
  }
  if ((code && SERVICE_ERRORS.has(code)) || (status !== undefined && status >= 500)) {
    return make(
      'service_error',
      'transient',
      `AWS had an internal error on ${c.operation ?? 'the call'} (${c.code})`,
      'No action needed: Tally retries later.',
    );
  }
  if (
    (code && NETWORK_CODES.has(code)) ||
    (status === undefined && /socket|network|connect|timed? ?out|ECONN/i.test(c.awsMessage))
  ) {
    return make(
      'network',
      'transient',
      `Could not reach AWS for ${c.operation ?? 'the call'} (${c.code})`,
      'No action needed: Tally retries later.',
    );
  }
  return undefined;
}
