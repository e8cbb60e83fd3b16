// How each protocol reports authentication failures (codes as AWS sends them).
import { AwsError } from '../contract';
import type { AuthFailure, AuthFailureKind } from './sigv4.verifier';

const CORAL = 'com.amazon.coral.service#';

const JSON_CODES: Record<AuthFailureKind, [string, number]> = {
  missing: ['MissingAuthenticationTokenException', 403],
  malformed: ['IncompleteSignatureException', 403],
  unknownKey: ['UnrecognizedClientException', 403],
  expired: ['ExpiredTokenException', 403],
  skew: ['InvalidSignatureException', 403],
  wrongService: ['InvalidSignatureException', 403],
  badSignature: ['InvalidSignatureException', 403],
};

const QUERY_CODES: Record<AuthFailureKind, [string, number]> = {
  missing: ['MissingAuthenticationToken', 403],
  malformed: ['IncompleteSignature', 400],
  unknownKey: ['InvalidClientTokenId', 403],
  expired: ['ExpiredToken', 403],
  skew: ['SignatureDoesNotMatch', 403],
  wrongService: ['SignatureDoesNotMatch', 403],
  badSignature: ['SignatureDoesNotMatch', 403],
};

/** The JSON-protocol (coral) error for an authentication failure. */
export function jsonAuthError(f: AuthFailure): AwsError {
  const [code, status] = JSON_CODES[f.kind];
  return new AwsError(`${CORAL}${code}`, f.message, status);
}

/** The query-protocol (STS) error for an authentication failure. */
export function queryAuthError(f: AuthFailure): AwsError {
  const [code, status] = QUERY_CODES[f.kind];
  return new AwsError(code, f.message, status);
}

/** A call signed for a region the account has not enabled: JSON services do not recognise the token there. */
export function jsonRegionDisabledError(): AwsError {
  return new AwsError(
    `${CORAL}UnrecognizedClientException`,
    'The security token included in the request is invalid.',
    403,
  );
}

/** STS's answer on a regional endpoint the account has not activated. */
export function stsRegionDisabledError(accountId: string): AwsError {
  return new AwsError(
    'RegionDisabledException',
    `STS is not activated in this region for account:${accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
    403,
  );
}
