// The SQS delivery template (cloudformation/tally-delivery-sqs.yaml): a role that trusts exactly one
// destination's subject and may only send to one queue, optionally with the FIFO queue itself.
import { destinationSubjectFor } from '@tally/oidc';
import { equals, fnIf, getAtt, PATTERNS, ref, sub, toYaml } from '@tally/onboarding';

/** The committed file, under cloudformation/. */
export const SQS_DELIVERY_TEMPLATE_FILE = 'tally-delivery-sqs.yaml';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TRUST = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "TallyDestinationWebIdentity",
      "Effect": "Allow",
      "Principal": { "Federated": "\${ProviderArn}" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "\${IssuerHost}:aud": "\${Audience}", "\${IssuerHost}:sub": "\${Subject}" }
      }
    }
  ]
}
`;

/** The template as an object (rendered with toYaml). */
export function sqsDeliveryTemplate(): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Tally: a role Tally assumes with OIDC web identity to send inventory changes to one SQS queue',
    Parameters: {
      IssuerHost: {
        Type: 'String',
        Description: "Tally's OIDC issuer: its URL without https:// (for example tally.example.com).",
        AllowedPattern: PATTERNS.issuerHost,
      },
      Audience: { Type: 'String', Default: 'sts.amazonaws.com', AllowedPattern: PATTERNS.audience },
      Subject: {
        Type: 'String',
        Description: 'The exact subject of your Tally destination; only tokens for it may assume the role.',
        AllowedPattern: `^tenant:${UUID}:destination:${UUID}$`,
      },
      RoleName: { Type: 'String', Default: 'TallyDelivery', AllowedPattern: '^[\\w+=,.@-]{1,64}$' },
      CreateOidcProvider: {
        Type: 'String',
        Description:
          "Create the IAM OIDC provider for Tally's issuer; false if the account already has it (e.g. from Tally's inventory stack).",
        Default: 'false',
        AllowedValues: ['true', 'false'],
      },
      QueueArn: {
        Type: 'String',
        Description: 'An existing queue to deliver to; leave empty to create a FIFO queue.',
        Default: '',
      },
      QueueName: {
        Type: 'String',
        Description: 'Name of the FIFO queue to create (when QueueArn is empty).',
        Default: 'tally-inventory.fifo',
        AllowedPattern: '^[\\w-]{1,75}\\.fifo$',
      },
    },
    Conditions: {
      CreateProvider: equals(ref('CreateOidcProvider'), 'true'),
      CreateQueue: equals(ref('QueueArn'), ''),
    },
    Resources: {
      OidcProvider: {
        Type: 'AWS::IAM::OIDCProvider',
        Condition: 'CreateProvider',
        Properties: {
          Url: sub('https://${IssuerHost}'),
          ClientIdList: [ref('Audience')],
          Tags: [{ Key: 'managed-by', Value: 'tally' }],
        },
      },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Condition: 'CreateQueue',
        Properties: {
          QueueName: ref('QueueName'),
          FifoQueue: true,
          ContentBasedDeduplication: false,
          MessageRetentionPeriod: 1209600,
          Tags: [{ Key: 'managed-by', Value: 'tally' }],
        },
      },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: ref('RoleName'),
          Description: 'Lets Tally send inventory changes to one SQS queue, assumed with OIDC web identity',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: sub(TRUST, {
            ProviderArn: fnIf(
              'CreateProvider',
              ref('OidcProvider'),
              sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${IssuerHost}'),
            ),
          }),
          Policies: [
            {
              PolicyName: 'TallySendToQueue',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'SendMessages',
                    Effect: 'Allow',
                    Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
                    Resource: fnIf('CreateQueue', getAtt('Queue', 'Arn'), ref('QueueArn')),
                  },
                ],
              },
            },
          ],
          Tags: [{ Key: 'managed-by', Value: 'tally' }],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: "The destination's roleArn in Tally", Value: getAtt('Role', 'Arn') },
      QueueUrl: {
        Condition: 'CreateQueue',
        Description: "The destination's queueUrl in Tally",
        Value: ref('Queue'),
      },
    },
  };
}

/** The template as YAML, with its header. */
export function renderSqsDeliveryTemplate(): string {
  return toYaml(
    sqsDeliveryTemplate(),
    ' Generated from libs/delivery/src/adapters/sqs-delivery.template.ts: do not edit by hand.',
  );
}

/** The stack parameters a destination's customer copies (its subject comes from stored ids only). */
export function sqsDeliveryParameters(
  config: { OIDC_ISSUER_URL: string; OIDC_AUDIENCE: string },
  tenantId: string,
  destinationId: string,
): Record<string, string> {
  return {
    IssuerHost: config.OIDC_ISSUER_URL.replace(/^https?:\/\//, ''),
    Audience: config.OIDC_AUDIENCE,
    Subject: destinationSubjectFor(tenantId, destinationId),
  };
}
