DROP INDEX "resources_name_idx";
DROP INDEX "resources_identifier_idx";
DROP INDEX "resources_arn_idx";
-- Not in schema.prisma (an expression index): see prisma/schema-extras.sql.
CREATE INDEX "resources_search_idx" ON "resources" USING GIN ((coalesce(name, '') || ' ' || identifier || ' ' || coalesce(arn, '')) gin_trgm_ops);
