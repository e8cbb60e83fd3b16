// The AWS partition facts Tally relies on, in one place: which partition a region belongs to, the
// ARNs built in it, and where its global services live.

/** An AWS partition: the commercial regions, China, GovCloud (US). */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** The partition of a region (`cn-north-1` -> `aws-cn`, `us-gov-west-1` -> `aws-us-gov`, else `aws`). */
export function partitionOf(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The ARN of the role Tally assumes in `accountId`, in the partition of `region` (the home region):
 * both the ARN shown to the customer and the one passed to STS come from here.
 */
export function roleArnFor(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}

const ORGANIZATIONS_HOME: Record<AwsPartition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-northwest-1',
  'aws-us-gov': 'us-gov-west-1',
};

/** Organizations is a global service homed in one region per partition. */
export function organizationsRegion(region: string): string {
  return ORGANIZATIONS_HOME[partitionOf(region)];
}

/** The AWS regions a connection may name: data of the API contract, which the browser reads too. */
export { AWS_REGIONS } from '@tally/contract';
