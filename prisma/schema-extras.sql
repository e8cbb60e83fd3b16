-- Schema objects that schema.prisma cannot express. The migrations create them by hand; the drift
-- check (libs/db/src/migrate/drift.ts) applies this file after schema.prisma's own SQL, so it must
-- state exactly what the migrations leave behind.

-- The inventory's substring search (`q`): one trigram index over name, identifier and ARN together.
-- The query must use the same expression (libs/tenancy/src/resource-search.ts).
CREATE INDEX "resources_search_idx" ON "resources" USING GIN ((coalesce(name, '') || ' ' || identifier || ' ' || coalesce(arn, '')) gin_trgm_ops);
