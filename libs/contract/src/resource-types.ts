/**
 * The CloudFormation types a connection may ask for, in the order "every type" is stored. The
 * browser imports this contract, so the list is data here; libs/aws's registry (what the worker
 * collects) must hold exactly these types, which contract.test.ts checks.
 */
export const RESOURCE_TYPES = [
  'AWS::S3::Bucket',
  'AWS::ECS::Cluster',
  'AWS::EC2::Instance',
  'AWS::Lambda::Function',
  'AWS::RDS::DBInstance',
] as const;

/** A well-formed CloudFormation type name (for filters, where an unknown type simply matches nothing). */
export const RESOURCE_TYPE_PATTERN = /^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/;
