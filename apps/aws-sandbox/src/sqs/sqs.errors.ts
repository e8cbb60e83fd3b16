// SQS errors as the JSON protocol sends them in query-compatible mode: `__type` in the body and the
// legacy query code in `x-amzn-query-error`, which is what the SDK maps to its exception classes.
import { AwsError } from '../contract';

function sqsError(type: string, queryCode: string, message: string, status = 400): AwsError {
  const e = new AwsError(`com.amazonaws.sqs#${type}`, message, status);
  e.queryCode = queryCode;
  return e;
}

export const sqsErrors = {
  noQueue: () =>
    sqsError(
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'The specified queue does not exist.',
    ),
  nameExists: (attribute: string) =>
    sqsError(
      'QueueNameExists',
      'QueueAlreadyExists',
      `A queue already exists with the same name and a different value for attribute ${attribute}`,
    ),
  invalidAttributeName: (name: string) =>
    sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string, reason: string) =>
    sqsError(
      'InvalidAttributeValue',
      'InvalidAttributeValue',
      `Invalid value for the parameter ${name}. Reason: ${reason}`,
    ),
  invalidParameter: (message: string) => sqsError('InvalidParameterValue', 'InvalidParameterValue', message),
  missingParameter: (name: string) =>
    sqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`),
  receiptInvalid: (handle: string, expired = false) =>
    sqsError(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      expired
        ? 'The receipt handle has expired.'
        : `The input receipt handle "${handle}" is not a valid receipt handle.`,
      404,
    ),
  notInflight: () =>
    sqsError(
      'MessageNotInflight',
      'AWS.SimpleQueueService.MessageNotInflight',
      'Message does not exist or is not available for visibility timeout change.',
    ),
  emptyBatch: () =>
    sqsError(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    ),
  tooManyEntries: (n: number) =>
    sqsError(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${n}.`,
    ),
  idsNotDistinct: (id: string) =>
    sqsError(
      'BatchEntryIdsNotDistinct',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      `Id ${id} repeated.`,
    ),
  invalidEntryId: (id: string) =>
    sqsError(
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
      `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. Got: ${id}`,
    ),
  batchTooLong: (limit: number) =>
    sqsError(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      `Batch requests cannot be longer than ${limit} bytes.`,
    ),
  purgeInProgress: (url: string) =>
    sqsError(
      'PurgeQueueInProgress',
      'AWS.SimpleQueueService.PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${url} is allowed every 60 seconds.`,
      403,
    ),
  accessDenied: (principal: string, action: string, resource: string) => {
    // SQS answers IAM denials in coral's shape, with the legacy code in the query-error header.
    const e = new AwsError(
      'com.amazon.coral.service#AccessDeniedException',
      `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy or resource-based policy allows the ${action} action`,
      403,
    );
    e.queryCode = 'AccessDenied';
    return e;
  },
  unknownOperation: (op: string) => new AwsError('UnknownOperationException', `Unknown operation ${op}`, 400),
};
