CREATE EXTENSION IF NOT EXISTS "pg_trgm";
CREATE INDEX "resources_name_idx" ON "resources" USING GIN ("name" gin_trgm_ops);
CREATE INDEX "resources_identifier_idx" ON "resources" USING GIN ("identifier" gin_trgm_ops);
CREATE INDEX "resources_arn_idx" ON "resources" USING GIN ("arn" gin_trgm_ops);
