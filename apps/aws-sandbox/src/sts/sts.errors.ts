// STS error constructors with AWS's codes, statuses and (where known) messages.
import { AwsError } from '../contract';

export const stsErrors = {
  invalidToken: (message: string) => new AwsError('InvalidIdentityToken', message, 400),
  noVerificationKey: () =>
    new AwsError(
      'InvalidIdentityToken',
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
      400,
    ),
  idpUnreachable: () =>
    new AwsError(
      'IDPCommunicationError',
      'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. Retry the request.',
      400,
    ),
  expired: (now: Date, exp: Date) =>
    new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time ${Math.floor(exp.getTime() / 1000)}`,
      400,
    ),
  accessDenied: () =>
    new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
};
