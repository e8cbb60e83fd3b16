// Cloud Control's error shapes (codes and HTTP statuses from the API model, messages as AWS words them).
import { AwsError } from '../../contract';

export const ccErrors = {
  throttled: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
  typeNotFound: (type: string) =>
    new AwsError('TypeNotFoundException', `The type '${type}' cannot be found.`, 404),
  validation: (message: string) => new AwsError('ValidationException', message, 400),
  invalidToken: () =>
    new AwsError('InvalidRequestException', 'The specified NextToken is invalid or expired.', 400),
  unsupported: (type: string, region: string) =>
    new AwsError(
      'UnsupportedActionException',
      `Resource type ${type} is not supported in region ${region}.`,
      405,
    ),
  accessDenied: (principalArn: string, action: string) =>
    new AwsError(
      'com.amazon.coral.service#AccessDeniedException',
      `User: ${principalArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      400,
    ),
  handlerInternalFailure: (type: string) =>
    new AwsError(
      'HandlerInternalFailureException',
      `${type} Handler returned status FAILED: Internal Failure (HandlerErrorCode: InternalFailure)`,
      502,
    ),
  notFound: (type: string, identifier: string) =>
    new AwsError(
      'ResourceNotFoundException',
      `Resource of type '${type}' with identifier '${identifier}' was not found.`,
      404,
    ),
  /** S3 read handler called outside the bucket's home region: S3 answers 301 and the handler fails. */
  wrongBucketRegion: () =>
    new AwsError(
      'GeneralServiceException',
      'AWS::S3::Bucket Handler returned status FAILED: null (Service: S3, Status Code: 301, Request ID: null) (HandlerErrorCode: GeneralServiceException)',
      400,
    ),
};
