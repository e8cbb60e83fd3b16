export {
  SUPPORTED_RESOURCE_TYPES,
  getResourceType,
  isSupportedResourceType,
  normalizeResource,
} from './registry/registry';
export type {
  HandlerPermissions,
  NormalizedResource,
  Relationship,
  ResourceModel,
  ResourceTypeDefinition,
} from './registry/resource-type';
export { AWS_REGIONS, roleArnFor } from './partition/partition';
export { AwsClients } from './clients/aws-clients';
export type { CallCount } from './clients/aws-call.middleware';
export * from './credentials/aws-credentials.service';
export * from './credentials/aws-credentials.module';
export {
  AwsCallError,
  classifyAwsError,
  type AwsErrorContext,
  type AwsFailureReason,
} from './sts/aws-error.classifier';
export * from './sts/web-identity';
export type { CanaryResult } from './verify/canary';
export * from './verify/connection-verifier';
export * from './verify/live-events-coverage';
export * from './verify/connection-verifier.module';
export * from './collector/cloud-control.collector';
export * from './organizations/organizations.discovery';
