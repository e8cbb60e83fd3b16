CREATE TYPE "ApiKeyRole" AS ENUM ('admin', 'tenant');
CREATE TYPE "ConnectionMode" AS ENUM ('account', 'organization');
CREATE TYPE "ConnectionStatus" AS ENUM ('pending', 'active', 'error', 'insecure');
CREATE TYPE "AccountStatus" AS ENUM ('active', 'suspended', 'left');
CREATE TYPE "SyncTrigger" AS ENUM ('schedule', 'manual');
CREATE TYPE "SyncRunStatus" AS ENUM ('queued', 'running', 'succeeded', 'partial', 'failed');
CREATE TYPE "SyncTaskStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'unsupported', 'denied', 'skipped');
CREATE TYPE "ErrorKind" AS ENUM ('customer', 'transient', 'internal');
CREATE TYPE "ChangeKind" AS ENUM ('created', 'updated', 'deleted');
CREATE TYPE "SigningKeyStatus" AS ENUM ('next', 'active', 'retired');
CREATE TABLE "tenants" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID,
    "role" "ApiKeyRole" NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "connections" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "account_id" VARCHAR(12) NOT NULL,
    "mode" "ConnectionMode" NOT NULL,
    "regions" TEXT[],
    "resource_types" TEXT[],
    "role_name" VARCHAR(64) NOT NULL,
    "sync_interval_minutes" INTEGER NOT NULL DEFAULT 60,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'pending',
    "status_message" TEXT,
    "verification" JSONB,
    "verified_at" TIMESTAMPTZ(3),
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "next_sync_at" TIMESTAMPTZ(3),
    "last_sync_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "account_id" VARCHAR(12) NOT NULL,
    "name" VARCHAR(200),
    "email" VARCHAR(320),
    "status" "AccountStatus" NOT NULL DEFAULT 'active',
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "left_at" TIMESTAMPTZ(3),
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "sync_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "trigger" "SyncTrigger" NOT NULL,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'queued',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "tasks_total" INTEGER NOT NULL DEFAULT 0,
    "tasks_done" INTEGER NOT NULL DEFAULT 0,
    "tasks_failed" INTEGER NOT NULL DEFAULT 0,
    "resources_seen" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "api_calls" INTEGER NOT NULL DEFAULT 0,
    "error_kind" "ErrorKind",
    "error_code" VARCHAR(200),
    "error_message" TEXT,
    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "sync_tasks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "account_id" VARCHAR(12) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "resource_type" VARCHAR(128) NOT NULL,
    "status" "SyncTaskStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "api_calls" INTEGER NOT NULL DEFAULT 0,
    "resources_seen" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "error_kind" "ErrorKind",
    "error_code" VARCHAR(200),
    "error_message" TEXT,
    CONSTRAINT "sync_tasks_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "resources" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "account_id" VARCHAR(12) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "type" VARCHAR(128) NOT NULL,
    "identifier" VARCHAR(2048) NOT NULL,
    "arn" VARCHAR(2048),
    "name" VARCHAR(1024),
    "tags" JSONB NOT NULL DEFAULT '{}',
    "relationships" JSONB NOT NULL DEFAULT '[]',
    "properties" JSONB NOT NULL,
    "properties_hash" VARCHAR(64) NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "last_run_id" UUID,
    CONSTRAINT "resources_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "resource_changes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "resource_id" UUID NOT NULL,
    "run_id" UUID,
    "kind" "ChangeKind" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changed_fields" TEXT[],
    CONSTRAINT "resource_changes_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "signing_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kid" VARCHAR(64) NOT NULL,
    "status" "SigningKeyStatus" NOT NULL,
    "algorithm" VARCHAR(16) NOT NULL DEFAULT 'RS256',
    "public_jwk" JSONB NOT NULL,
    "private_key_cipher" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),
    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID,
    "actor_key_id" UUID,
    "action" VARCHAR(100) NOT NULL,
    "target_type" VARCHAR(50) NOT NULL,
    "target_id" VARCHAR(100),
    "details" JSONB NOT NULL DEFAULT '{}',
    "request_id" VARCHAR(100),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");
CREATE INDEX "api_keys_tenant_id_idx" ON "api_keys"("tenant_id");
CREATE INDEX "connections_next_sync_at_idx" ON "connections"("next_sync_at");
CREATE UNIQUE INDEX "connections_tenant_id_id_key" ON "connections"("tenant_id", "id");
CREATE INDEX "accounts_tenant_id_idx" ON "accounts"("tenant_id");
CREATE UNIQUE INDEX "accounts_connection_id_account_id_key" ON "accounts"("connection_id", "account_id");
CREATE INDEX "sync_runs_connection_id_created_at_idx" ON "sync_runs"("connection_id", "created_at" DESC);
CREATE INDEX "sync_runs_tenant_id_created_at_idx" ON "sync_runs"("tenant_id", "created_at" DESC);
CREATE INDEX "sync_tasks_tenant_id_idx" ON "sync_tasks"("tenant_id");
CREATE UNIQUE INDEX "sync_tasks_run_id_account_id_region_resource_type_key" ON "sync_tasks"("run_id", "account_id", "region", "resource_type");
CREATE INDEX "resources_tenant_id_id_idx" ON "resources"("tenant_id", "id");
CREATE INDEX "resources_tenant_id_type_id_idx" ON "resources"("tenant_id", "type", "id");
CREATE INDEX "resources_tenant_id_account_id_id_idx" ON "resources"("tenant_id", "account_id", "id");
CREATE INDEX "resources_tenant_id_region_id_idx" ON "resources"("tenant_id", "region", "id");
CREATE INDEX "resources_connection_id_account_id_type_region_idx" ON "resources"("connection_id", "account_id", "type", "region");
CREATE INDEX "resources_tags_idx" ON "resources" USING GIN ("tags" jsonb_path_ops);
CREATE UNIQUE INDEX "resources_tenant_id_account_id_region_type_identifier_key" ON "resources"("tenant_id", "account_id", "region", "type", "identifier");
CREATE INDEX "resource_changes_resource_id_at_idx" ON "resource_changes"("resource_id", "at" DESC);
CREATE INDEX "resource_changes_tenant_id_at_idx" ON "resource_changes"("tenant_id", "at" DESC);
CREATE INDEX "resource_changes_run_id_idx" ON "resource_changes"("run_id");
CREATE UNIQUE INDEX "signing_keys_kid_key" ON "signing_keys"("kid");
CREATE INDEX "signing_keys_status_idx" ON "signing_keys"("status");
CREATE INDEX "audit_events_tenant_id_at_idx" ON "audit_events"("tenant_id", "at" DESC);
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "connections" ADD CONSTRAINT "connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sync_tasks" ADD CONSTRAINT "sync_tasks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sync_tasks" ADD CONSTRAINT "sync_tasks_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "resources" ADD CONSTRAINT "resources_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "resources" ADD CONSTRAINT "resources_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "resource_changes" ADD CONSTRAINT "resource_changes_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
