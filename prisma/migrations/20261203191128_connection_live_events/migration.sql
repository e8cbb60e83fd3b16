ALTER TABLE "connections" ADD COLUMN     "home_region" VARCHAR(32),
ADD COLUMN     "live_events" BOOLEAN NOT NULL DEFAULT true;
-- Existing connections: the stack's region is the first of their regions.
UPDATE "connections" SET "home_region" = "regions"[1];
ALTER TABLE "resources" ADD COLUMN     "observed_at" TIMESTAMPTZ(3);
CREATE TABLE "live_event_streams" (
    "connection_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "lease_owner" VARCHAR(100),
    "lease_until" TIMESTAMPTZ(3),
    "last_poll_at" TIMESTAMPTZ(3),
    "last_event_at" TIMESTAMPTZ(3),
    "received" BIGINT NOT NULL DEFAULT 0,
    "ignored" BIGINT NOT NULL DEFAULT 0,
    "refreshes" BIGINT NOT NULL DEFAULT 0,
    "malformed" BIGINT NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "live_event_streams_pkey" PRIMARY KEY ("connection_id")
);
CREATE INDEX "live_event_streams_tenant_id_idx" ON "live_event_streams"("tenant_id");
CREATE INDEX "live_event_streams_lease_until_idx" ON "live_event_streams"("lease_until");
ALTER TABLE "live_event_streams" ADD CONSTRAINT "live_event_streams_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
