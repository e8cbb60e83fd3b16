import { partitionOf } from '../partition/partition';
import {
  tagsFromModel,
  type NormalizedResource,
  type ResourceModel,
  type ResourceTypeDefinition,
} from './resource-type';
import { ec2Instance } from './types/ec2-instance.type';
import { ecsCluster } from './types/ecs-cluster.type';
import { lambdaFunction } from './types/lambda-function.type';
import { rdsDbInstance } from './types/rds-db-instance.type';
import { s3Bucket } from './types/s3-bucket.type';

const DEFINITIONS: readonly ResourceTypeDefinition[] = [
  s3Bucket,
  ecsCluster,
  ec2Instance,
  lambdaFunction,
  rdsDbInstance,
];

/** Every supported type, by CloudFormation type name. */
const RESOURCE_TYPES: ReadonlyMap<string, ResourceTypeDefinition> = new Map(
  DEFINITIONS.map((d) => [d.type, d]),
);

/** The CloudFormation type names Tally collects (what the API validates `resourceTypes` against). */
export const SUPPORTED_RESOURCE_TYPES: readonly string[] = DEFINITIONS.map((d) => d.type);

/** True when Tally can collect `type`. */
export function isSupportedResourceType(type: string): boolean {
  return RESOURCE_TYPES.has(type);
}

/** The definition of a supported type; throws on an unknown one (callers validate first). */
export function getResourceType(type: string): ResourceTypeDefinition {
  const def = RESOURCE_TYPES.get(type);
  if (!def) throw new Error(`unsupported resource type ${type}`);
  return def;
}

/** Turns one Cloud Control model into the stored shape (ARN, name, tags map, relationships). */
export function normalizeResource(
  def: ResourceTypeDefinition,
  input: { identifier: string; properties: ResourceModel; accountId: string; region: string },
): NormalizedResource {
  const ctx = { accountId: input.accountId, region: input.region, partition: partitionOf(input.region) };
  const m = input.properties;
  return {
    identifier: input.identifier,
    region: input.region,
    arn: def.arn(m, input.identifier, ctx),
    name: def.name(m, input.identifier),
    tags: tagsFromModel(m),
    relationships: def.relationships(m, ctx),
    properties: m,
  };
}
