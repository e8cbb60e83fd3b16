-- Schema objects that schema.prisma cannot express. The migrations create them by hand; the drift
-- check (libs/db/src/migrate/drift.ts) applies this file after schema.prisma's own SQL, so it must
-- state exactly what the migrations leave behind.

-- The inventory's substring search (`q`): one trigram index over name, identifier and ARN together.
-- The query must use the same expression (libs/tenancy/src/resource-search.ts).
CREATE INDEX "resources_search_idx" ON "resources" USING GIN ((coalesce(name, '') || ' ' || identifier || ' ' || coalesce(arn, '')) gin_trgm_ops);

-- The change sequencer's work list: changes committed but not yet stamped with their feed seq
-- (libs/delivery/src/feed/change-sequencer.ts).
CREATE INDEX "resource_changes_unstamped_idx" ON "resource_changes" ("tenant_id", "written_at") WHERE "seq" IS NULL;

-- Wakes change-feed readers and delivery workers: one NOTIFY per tenant per inserting statement,
-- delivered at commit (so a woken reader can see the rows).
CREATE FUNCTION "tally_notify_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tally_changes', t.tenant_id::text) FROM (SELECT DISTINCT tenant_id FROM new_rows) t;
  RETURN NULL;
END $$;
CREATE TRIGGER "resource_changes_notify" AFTER INSERT ON "resource_changes"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tally_notify_changes"();
