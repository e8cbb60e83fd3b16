export * from './api-key';
export * from './principal';
export * from './pagination';
export * from './resource.view';
export * from './tenancy.errors';
export { ApiKeysRepository, type NewApiKey } from './api-keys.repository';
export { TenantsRepository } from './tenants.repository';
export {
  ConnectionsRepository,
  type ConnectionSummary,
  type NewConnection,
  type ConnectionChanges,
  type VerificationOutcome,
} from './connections.repository';
export { SyncRunsRepository, type SyncRunWithTasks } from './sync-runs.repository';
export {
  ResourcesRepository,
  type ResourceFilter,
  type ResourceWithChanges,
  type ResourceCounts,
} from './resources.repository';
export { AuditLog, type AuditEntry } from './audit.service';
export { RateLimiter, type RateDecision } from './rate-limiter';
export { ApiKeyGuard, RateLimitGuard, TenantAccessGuard, type AuthedRequest } from './auth.guard';
export { AdminKeyBootstrap, BOOTSTRAP_KEY_NAME } from './admin-key.bootstrap';
export { TenancyModule } from './tenancy.module';
export {
  VerificationRecorder,
  verificationStatusMessage,
  type VerificationFindings,
} from './verification.recorder';
