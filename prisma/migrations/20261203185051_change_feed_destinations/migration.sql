CREATE TYPE "ChangeSource" AS ENUM ('sync', 'event');
CREATE TYPE "DestinationKind" AS ENUM ('webhook', 'sqs', 'crud-service', 'port');
CREATE TYPE "DestinationStatus" AS ENUM ('active', 'failing', 'paused');
CREATE TYPE "DeliveryOutcome" AS ENUM ('succeeded', 'failed');
ALTER TABLE "resource_changes" ADD COLUMN     "event_id" VARCHAR(200),
ADD COLUMN     "seq" BIGINT,
ADD COLUMN     "source" "ChangeSource" NOT NULL DEFAULT 'sync',
ADD COLUMN     "written_at" TIMESTAMPTZ(6) NOT NULL DEFAULT clock_timestamp();
CREATE TABLE "change_feeds" (
    "tenant_id" UUID NOT NULL,
    "last_seq" BIGINT NOT NULL DEFAULT 0,
    "pruned_through" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "change_feeds_pkey" PRIMARY KEY ("tenant_id")
);
CREATE TABLE "destinations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "kind" "DestinationKind" NOT NULL,
    "config" JSONB NOT NULL,
    "secrets_cipher" BYTEA,
    "filter" JSONB NOT NULL DEFAULT '{}',
    "mapping" TEXT,
    "backfill" BOOLEAN NOT NULL DEFAULT false,
    "status" "DestinationStatus" NOT NULL DEFAULT 'active',
    "last_error" TEXT,
    "cursor" BIGINT NOT NULL DEFAULT 0,
    "backfill_pending" BOOLEAN NOT NULL DEFAULT false,
    "backfill_after" UUID,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "lease_owner" VARCHAR(64),
    "lease_until" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "delivered" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "destinations_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "destination_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "destination_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" "DeliveryOutcome" NOT NULL,
    "changes" INTEGER NOT NULL,
    "delivered" INTEGER NOT NULL,
    "first_cursor" BIGINT,
    "last_cursor" BIGINT,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    CONSTRAINT "destination_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "destinations_tenant_id_created_at_idx" ON "destinations"("tenant_id", "created_at");
CREATE UNIQUE INDEX "destinations_tenant_id_id_key" ON "destinations"("tenant_id", "id");
CREATE INDEX "destination_deliveries_destination_id_at_idx" ON "destination_deliveries"("destination_id", "at" DESC);
CREATE INDEX "destination_deliveries_tenant_id_idx" ON "destination_deliveries"("tenant_id");
CREATE UNIQUE INDEX "resource_changes_tenant_id_seq_key" ON "resource_changes"("tenant_id", "seq");
ALTER TABLE "change_feeds" ADD CONSTRAINT "change_feeds_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "destination_deliveries" ADD CONSTRAINT "destination_deliveries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "destination_deliveries" ADD CONSTRAINT "destination_deliveries_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not in schema.prisma (a partial index, a trigger): see prisma/schema-extras.sql.
CREATE INDEX "resource_changes_unstamped_idx" ON "resource_changes" ("tenant_id", "written_at") WHERE "seq" IS NULL;
CREATE FUNCTION "tally_notify_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tally_changes', t.tenant_id::text) FROM (SELECT DISTINCT tenant_id FROM new_rows) t;
  RETURN NULL;
END $$;
CREATE TRIGGER "resource_changes_notify" AFTER INSERT ON "resource_changes"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tally_notify_changes"();

-- Changes written before the feed existed: stamped here, in the order they happened.
UPDATE "resource_changes" c SET "seq" = n.seq
FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY "at", id) AS seq FROM "resource_changes") n
WHERE c.id = n.id;
INSERT INTO "change_feeds" ("tenant_id", "last_seq")
SELECT tenant_id, max(seq) FROM "resource_changes" GROUP BY tenant_id;
