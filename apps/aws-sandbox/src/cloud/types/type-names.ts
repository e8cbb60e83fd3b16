/** The CloudFormation resource types the sandbox serves through Cloud Control. */
export const RESOURCE_TYPE_NAMES = [
  'AWS::S3::Bucket',
  'AWS::ECS::Cluster',
  'AWS::EC2::Instance',
  'AWS::Lambda::Function',
  'AWS::RDS::DBInstance',
] as const;

export type ResourceTypeName = (typeof RESOURCE_TYPE_NAMES)[number];

/** True when `name` is one of the served types. */
export function isResourceTypeName(name: string): name is ResourceTypeName {
  return (RESOURCE_TYPE_NAMES as readonly string[]).includes(name);
}
