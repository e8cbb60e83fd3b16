import { Inject, Injectable } from '@nestjs/common';
import type { NormalizedResource } from '@tally/aws';
import { PrismaService, type PrismaClient } from '@tally/db';
import { propertiesHash } from '@tally/sync';

/** Which resource an observation is about, and the event that asked for it. */
export interface ObservationScope {
  tenantId: string;
  connectionId: string;
  accountId: string;
  region: string;
  type: string;
  identifier: string;
  eventId: string;
  /** When AWS was asked (the GetResource was sent). */
  observedAt: Date;
}

/** What an observation did to the stored row. */
export type ObservationOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'stale';

// The rule shared with the sync's page upsert: the newer observation wins. A row observed at or
// after this observation (by a sync page listed later, or another refresh) is neither overwritten
// nor undeleted; every write stores its observation time. Changes are recorded with source `event`.
const FOUND = `
WITH prev AS MATERIALIZED (
  SELECT r.id, r.properties, r.properties_hash, r.deleted_at FROM resources r
  WHERE r.tenant_id = $1::uuid AND r.account_id = $3 AND r.region = $4 AND r.type = $5 AND r.identifier = $6
),
upserted AS (
  INSERT INTO resources AS r (tenant_id, connection_id, account_id, region, type, identifier, arn, name, tags,
                              relationships, properties, properties_hash, observed_at)
  VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12, $13::timestamptz)
  ON CONFLICT (tenant_id, account_id, region, type, identifier) DO UPDATE SET
    last_seen_at = now(),
    connection_id = excluded.connection_id,
    deleted_at = NULL,
    arn = excluded.arn,
    name = excluded.name,
    tags = excluded.tags,
    relationships = excluded.relationships,
    properties = CASE WHEN r.properties_hash = excluded.properties_hash THEN r.properties ELSE excluded.properties END,
    properties_hash = excluded.properties_hash,
    updated_at = CASE WHEN r.properties_hash = excluded.properties_hash AND r.deleted_at IS NULL
                      THEN r.updated_at ELSE now() END,
    observed_at = excluded.observed_at
  WHERE r.observed_at IS NULL OR r.observed_at <= excluded.observed_at
  RETURNING r.id
),
classified AS (
  SELECT u.id,
    CASE WHEN p.id IS NULL OR p.deleted_at IS NOT NULL THEN 'created'
         WHEN p.properties_hash <> $12 THEN 'updated' END AS kind,
    CASE WHEN p.id IS NOT NULL AND p.deleted_at IS NULL AND p.properties_hash <> $12 THEN
      ARRAY(SELECT k FROM (SELECT jsonb_object_keys(p.properties) UNION SELECT jsonb_object_keys($11::jsonb)) AS ks(k)
            WHERE p.properties -> k IS DISTINCT FROM $11::jsonb -> k ORDER BY k)
    ELSE '{}'::text[] END AS fields
  FROM upserted u LEFT JOIN prev p ON true
),
changes AS (
  INSERT INTO resource_changes (tenant_id, resource_id, run_id, kind, changed_fields, source, event_id)
  SELECT $1::uuid, c.id, NULL, c.kind::"ChangeKind", c.fields, 'event', $14 FROM classified c WHERE c.kind IS NOT NULL
)
SELECT (SELECT count(*)::int FROM upserted) AS written, (SELECT kind FROM classified) AS kind`;

// Not found: mark the stored row deleted, never insert one (no empty stub for a resource we never
// had). An already deleted row only takes the newer observation time, so an older listing cannot
// resurrect it.
const GONE = `
WITH gone AS (
  UPDATE resources SET deleted_at = now(), updated_at = now(), observed_at = $6::timestamptz
  WHERE tenant_id = $1::uuid AND account_id = $2 AND region = $3 AND type = $4 AND identifier = $5
    AND deleted_at IS NULL AND (observed_at IS NULL OR observed_at <= $6::timestamptz)
  RETURNING id
),
already AS (
  UPDATE resources SET observed_at = $6::timestamptz
  WHERE tenant_id = $1::uuid AND account_id = $2 AND region = $3 AND type = $4 AND identifier = $5
    AND deleted_at IS NOT NULL AND (observed_at IS NULL OR observed_at < $6::timestamptz)
  RETURNING id
),
changes AS (
  INSERT INTO resource_changes (tenant_id, resource_id, run_id, kind, changed_fields, source, event_id)
  SELECT $1::uuid, id, NULL, 'deleted', '{}', 'event', $7 FROM gone
)
SELECT (SELECT count(*)::int FROM gone) AS deleted, (SELECT count(*)::int FROM already) AS already,
       EXISTS (SELECT 1 FROM resources WHERE tenant_id = $1::uuid AND account_id = $2 AND region = $3
               AND type = $4 AND identifier = $5) AS known`;

/** Writes one refreshed resource (or its absence) under the newer-observation-wins rule. */
@Injectable()
export class ResourceRefreshRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** GetResource found it: upsert with an `event` change (created / updated), unless a newer observation is stored. */
  async found(scope: ObservationScope, resource: NormalizedResource): Promise<ObservationOutcome> {
    const [row] = await this.prisma.$queryRawUnsafe<{ written: number; kind: string | null }[]>(
      FOUND,
      scope.tenantId,
      scope.connectionId,
      scope.accountId,
      resource.region,
      scope.type,
      resource.identifier,
      resource.arn,
      resource.name,
      JSON.stringify(resource.tags),
      JSON.stringify(resource.relationships),
      JSON.stringify(resource.properties),
      propertiesHash(resource.properties),
      scope.observedAt,
      scope.eventId,
    );
    if (!row.written) return 'stale';
    return (row.kind as 'created' | 'updated' | null) ?? 'unchanged';
  }

  /** GetResource said it does not exist: mark it deleted (never insert it), unless a newer observation is stored. */
  async gone(scope: ObservationScope): Promise<ObservationOutcome> {
    const [row] = await this.prisma.$queryRawUnsafe<{ deleted: number; already: number; known: boolean }[]>(
      GONE,
      scope.tenantId,
      scope.accountId,
      scope.region,
      scope.type,
      scope.identifier,
      scope.observedAt,
      scope.eventId,
    );
    if (row.deleted) return 'deleted';
    if (!row.known) return 'absent';
    return row.already ? 'unchanged' : 'stale';
  }
}
