import { Module } from '@nestjs/common';
import { AdminKeyBootstrap } from './admin-key.bootstrap';
import { ApiKeysRepository } from './api-keys.repository';
import { AuditLog } from './audit.service';
import { ApiKeyGuard, RateLimitGuard, TenantAccessGuard } from './auth.guard';
import { ConnectionsRepository } from './connections.repository';
import { RateLimiter } from './rate-limiter';
import { ResourcesRepository } from './resources.repository';
import { SyncRunsRepository } from './sync-runs.repository';
import { TenantsRepository } from './tenants.repository';
import { VerificationRecorder } from './verification.recorder';

const providers = [
  AdminKeyBootstrap,
  ApiKeysRepository,
  AuditLog,
  ApiKeyGuard,
  RateLimitGuard,
  TenantAccessGuard,
  ConnectionsRepository,
  RateLimiter,
  ResourcesRepository,
  SyncRunsRepository,
  TenantsRepository,
  VerificationRecorder,
];

/** Tenants, API keys, the auth guards, tenant-scoped repositories and the audit log. Needs DbModule and ConfigModule. */
@Module({ providers, exports: providers })
export class TenancyModule {}
