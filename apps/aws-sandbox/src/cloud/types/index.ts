// The registry of served resource types, and the IAM permissions their handlers need.
import { ec2Instance } from './ec2-instance';
import { ecsCluster } from './ecs-cluster';
import { lambdaFunction } from './lambda-function';
import { rdsDbInstance } from './rds-db-instance';
import type { ResourceTypeModule } from './resource-type';
import { s3Bucket } from './s3-bucket';
import type { ResourceTypeName } from './type-names';

export const RESOURCE_TYPES: Record<ResourceTypeName, ResourceTypeModule> = {
  'AWS::S3::Bucket': s3Bucket,
  'AWS::ECS::Cluster': ecsCluster,
  'AWS::EC2::Instance': ec2Instance,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::RDS::DBInstance': rdsDbInstance,
};

/** `handlers.list/read.permissions` from the CloudFormation registry schemas, per type. */
export const HANDLER_PERMISSIONS: Record<
  ResourceTypeName,
  { list: readonly string[]; read: readonly string[] }
> = Object.fromEntries(Object.values(RESOURCE_TYPES).map((t) => [t.typeName, t.permissions])) as Record<
  ResourceTypeName,
  { list: readonly string[]; read: readonly string[] }
>;

export { RESOURCE_TYPE_NAMES, isResourceTypeName, type ResourceTypeName } from './type-names';
export type { Model, ResourceTypeModule, Tag } from './resource-type';
