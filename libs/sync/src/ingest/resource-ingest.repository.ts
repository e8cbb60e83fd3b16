import { Inject, Injectable } from '@nestjs/common';
import type { NormalizedResource } from '@tally/aws';
import { DB_POOL_SIZE, poolOf, PrismaService, type Prisma, type PrismaClient } from '@tally/db';
import { propertiesHash } from './properties-hash';
import { WriteGate } from './write-gate';

/** A Prisma client or an interactive transaction: repository methods run in either. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** Which resources a page belongs to, and which run and task saw it. */
export interface IngestScope {
  tenantId: string;
  connectionId: string;
  accountId: string;
  type: string;
  runId: string;
  /** When set, the task's counters move in the same statement. */
  taskId?: string;
  /** With taskId: the task's attempt writing this page; a superseded attempt's page is refused. */
  attempt?: number;
  /** AWS calls spent on this page, added to the task's counter. */
  apiCalls?: number;
  /** When AWS was asked for the page: a row observed later (by a live-event refresh) is left alone. */
  observedAt?: Date;
}

export interface IngestCounts {
  seen: number;
  created: number;
  updated: number;
}

/** What a sweep covers: one task's listing. `region` null = every region (account-scoped types). */
export interface SweepScope {
  tenantId: string;
  connectionId: string;
  accountId: string;
  type: string;
  region: string | null;
  runId: string;
  /** Start of the listing attempt (database clock): anything not seen since is gone. */
  since: Date;
}

// One statement per page: upsert, classify against the previous row, write change rows and move the
// task's counters. Unchanged rows only get last_seen_at/last_run_id (properties keep their TOAST
// pointer); changed or resurrected rows get everything.
// `input` carries each row's previous state, looked up once (all CTEs share the pre-upsert snapshot).
// The LIMIT keeps the lookup a per-row probe of the full unique key: flattened into a join it got
// re-run per upserted row (quadratic) and, without statistics, planned on the wrong index.
// `fence` locks the task row and, given an attempt, holds only while that attempt is the task's
// current, running one (see sync-task.repository START): otherwise nothing is written and
// `accepted` is false.
const UPSERT_PAGE = `
WITH fence AS MATERIALIZED (
  SELECT t.id FROM sync_tasks t
  WHERE t.id = $7::uuid AND t.tenant_id = $2::uuid
    AND ($10::int IS NULL OR (t.status = 'running' AND t.attempts = $10::int))
  FOR UPDATE
),
input AS MATERIALIZED (
  SELECT i.*, p.id AS prev_id, p.properties AS prev_properties, p.properties_hash AS prev_hash,
         p.deleted_at AS prev_deleted_at
  FROM jsonb_to_recordset($1::jsonb) AS i(
    identifier text, region text, arn text, name text, tags jsonb, relationships jsonb, properties jsonb, hash text)
  LEFT JOIN LATERAL (
    SELECT r.id, r.properties, r.properties_hash, r.deleted_at FROM resources r
    WHERE r.tenant_id = $2::uuid AND r.account_id = $4 AND r.region = i.region AND r.type = $5
      AND r.identifier = i.identifier
    LIMIT 1
  ) p ON true
  WHERE $7::uuid IS NULL OR EXISTS (SELECT 1 FROM fence)
),
upserted AS (
  INSERT INTO resources AS r (tenant_id, connection_id, account_id, region, type, identifier, arn, name, tags,
                              relationships, properties, properties_hash, last_run_id, observed_at)
  SELECT $2::uuid, $3::uuid, $4, i.region, $5, i.identifier, i.arn, i.name, i.tags, i.relationships, i.properties,
         i.hash, $6::uuid, $9::timestamptz
  FROM input i
  ON CONFLICT (tenant_id, account_id, region, type, identifier) DO UPDATE SET
    last_seen_at = now(),
    last_run_id = excluded.last_run_id,
    connection_id = excluded.connection_id,
    deleted_at = NULL,
    arn = excluded.arn,
    name = excluded.name,
    tags = CASE WHEN r.properties_hash = excluded.properties_hash THEN r.tags ELSE excluded.tags END,
    relationships = excluded.relationships,
    properties = CASE WHEN r.properties_hash = excluded.properties_hash THEN r.properties ELSE excluded.properties END,
    properties_hash = excluded.properties_hash,
    updated_at = CASE WHEN r.properties_hash = excluded.properties_hash AND r.deleted_at IS NULL
                      THEN r.updated_at ELSE now() END,
    observed_at = COALESCE(excluded.observed_at, r.observed_at)
  -- The newer observation wins: a live-event refresh that saw the resource (or its deletion) after
  -- this page was listed is not overwritten (nor undeleted) by it.
  WHERE r.observed_at IS NULL OR excluded.observed_at IS NULL OR r.observed_at <= excluded.observed_at
  RETURNING r.id, r.region, r.identifier
),
classified AS (
  SELECT u.id,
    CASE WHEN i.prev_id IS NULL OR i.prev_deleted_at IS NOT NULL THEN 'created'
         WHEN i.prev_hash <> i.hash THEN 'updated' END AS kind,
    CASE WHEN i.prev_id IS NOT NULL AND i.prev_deleted_at IS NULL AND i.prev_hash <> i.hash THEN
      ARRAY(SELECT k FROM (SELECT jsonb_object_keys(i.prev_properties) UNION SELECT jsonb_object_keys(i.properties)) AS ks(k)
            WHERE i.prev_properties -> k IS DISTINCT FROM i.properties -> k ORDER BY k)
    ELSE '{}'::text[] END AS fields
  FROM upserted u
  JOIN input i ON i.region = u.region AND i.identifier = u.identifier
),
changes AS (
  INSERT INTO resource_changes (tenant_id, resource_id, run_id, kind, changed_fields)
  SELECT $2::uuid, c.id, $6::uuid, c.kind::"ChangeKind", c.fields FROM classified c WHERE c.kind IS NOT NULL
),
stats AS (
  SELECT count(*)::int AS seen,
         count(*) FILTER (WHERE kind = 'created')::int AS created,
         count(*) FILTER (WHERE kind = 'updated')::int AS updated
  FROM classified
),
task AS (
  UPDATE sync_tasks t SET pages = t.pages + 1, resources_seen = t.resources_seen + s.seen,
    created = t.created + s.created, updated = t.updated + s.updated, api_calls = t.api_calls + $8::int,
    progress_at = now()
  FROM stats s WHERE t.id IN (SELECT id FROM fence)
)
SELECT seen, created, updated, ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM fence)) AS accepted FROM stats`;

const SWEEP = `
WITH gone AS (
  UPDATE resources SET deleted_at = now(), updated_at = now()
  WHERE tenant_id = $1::uuid AND connection_id = $2::uuid AND account_id = $3 AND type = $4
    AND ($5::text IS NULL OR region = $5::text) AND deleted_at IS NULL
    AND (last_run_id IS DISTINCT FROM $6::uuid OR last_seen_at < $7::timestamptz)
    -- Seen by a live-event refresh after the listing started: it exists, whatever the listing missed.
    AND (observed_at IS NULL OR observed_at < $7::timestamptz)
  RETURNING id
),
changes AS (
  INSERT INTO resource_changes (tenant_id, resource_id, run_id, kind, changed_fields)
  SELECT $1::uuid, id, $6::uuid, 'deleted', '{}' FROM gone
)
SELECT count(*)::int AS deleted FROM gone`;

const DELETE_ACCOUNT = `
WITH gone AS (
  UPDATE resources SET deleted_at = now(), updated_at = now()
  WHERE tenant_id = $1::uuid AND connection_id = $2::uuid AND account_id = $3 AND deleted_at IS NULL
  RETURNING id
),
changes AS (
  INSERT INTO resource_changes (tenant_id, resource_id, run_id, kind, changed_fields)
  SELECT $1::uuid, id, $4::uuid, 'deleted', '{}' FROM gone
)
SELECT count(*)::int AS deleted FROM gone`;

/** A page written by a task attempt that a newer attempt (or the task's end) has superseded. */
export class AttemptSupersededError extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId}: a newer attempt took over; this one stops`);
    this.name = 'AttemptSupersededError';
  }
}

/** Bulk writes of collected resources: one statement per page, never one round trip per resource. */
@Injectable()
export class ResourceIngestRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /**
   * Pages being serialized or written at once: twice the client's connections, so the next pages
   * are ready when a connection frees up. Any other page waits as collected objects only, not yet
   * also as the statement's JSON (page-sized strings go straight to V8's old generation). When as
   * many again wait, tasks stop collecting (`writable`): memory is bounded by the database's pace,
   * not by how many tasks run.
   */
  private readonly gate = new WriteGate(2 * DB_POOL_SIZE, 2 * DB_POOL_SIZE);

  /** Resolves when a task may collect its next page (the write queue is short). */
  writable(): Promise<void> {
    return this.gate.admit();
  }

  /**
   * Upserts one page (created / updated / unchanged) with its change rows and the task's counters,
   * atomically. Throws AttemptSupersededError (nothing written) when `scope.attempt` is stale.
   */
  upsertPage(scope: IngestScope, page: NormalizedResource[], db?: Db): Promise<IngestCounts> {
    if (!page.length && !scope.taskId) return Promise.resolve({ seen: 0, created: 0, updated: 0 });
    // A transaction already holds its connection: gating it could wait on pages that wait for one.
    if (db) return this.writePage(scope, page, db);
    return this.gate.run(() => this.writePage(scope, page, this.prisma));
  }

  private async writePage(scope: IngestScope, page: NormalizedResource[], db: Db): Promise<IngestCounts> {
    const out = await this.runUpsert(scope, page, db);
    if (!out.accepted) throw new AttemptSupersededError(scope.taskId ?? '');
    return { seen: out.seen, created: out.created, updated: out.updated };
  }

  private async runUpsert(
    scope: IngestScope,
    page: NormalizedResource[],
    db: Db,
  ): Promise<IngestCounts & { accepted: boolean }> {
    const params = [
      pageJson(page),
      scope.tenantId,
      scope.connectionId,
      scope.accountId,
      scope.type,
      scope.runId,
      scope.taskId ?? null,
      scope.apiCalls ?? 0,
      scope.observedAt ?? null,
      scope.attempt ?? null,
    ];
    // The page's JSON is the statement's only large value: straight to the driver when we can.
    const pool = poolOf(db);
    // Named: each connection parses and plans the statement once, not once per page.
    if (pool)
      return (
        await pool.query<IngestCounts & { accepted: boolean }>({
          name: 'tally_upsert_page',
          text: UPSERT_PAGE,
          values: params,
        })
      ).rows[0];
    const [out] = await db.$queryRawUnsafe<(IngestCounts & { accepted: boolean })[]>(UPSERT_PAGE, ...params);
    return out;
  }

  /** Marks what one complete listing did not see as deleted (with change rows); returns how many. */
  async sweep(scope: SweepScope, db: Db = this.prisma): Promise<number> {
    const [out] = await db.$queryRawUnsafe<{ deleted: number }[]>(
      SWEEP,
      scope.tenantId,
      scope.connectionId,
      scope.accountId,
      scope.type,
      scope.region,
      scope.runId,
      scope.since,
    );
    return out.deleted;
  }

  /** Marks every resource of an account that left the organization as deleted. */
  async deleteAccountResources(
    key: { tenantId: string; connectionId: string; accountId: string; runId: string },
    db: Db = this.prisma,
  ): Promise<number> {
    const [out] = await db.$queryRawUnsafe<{ deleted: number }[]>(
      DELETE_ACCOUNT,
      key.tenantId,
      key.connectionId,
      key.accountId,
      key.runId,
    );
    return out.deleted;
  }

  /** The database clock, millisecond precision like the timestamp columns: a sweep's `since`. */
  async now(db: Db = this.prisma): Promise<Date> {
    const [row] = await db.$queryRawUnsafe<{ now: Date }[]>(`SELECT now()::timestamptz(3) AS now`);
    return row.now;
  }
}

/** The page as the statement's jsonb recordset, one row per (region, identifier). */
function pageJson(page: NormalizedResource[]): string {
  return JSON.stringify(
    dedupe(page).map((r) => ({
      identifier: r.identifier,
      region: r.region,
      arn: r.arn,
      name: r.name,
      tags: r.tags,
      relationships: r.relationships,
      properties: r.properties,
      hash: propertiesHash(r.properties),
    })),
  );
}

/** The last model per (region, identifier): a page listing one twice would break ON CONFLICT. */
function dedupe(page: NormalizedResource[]): NormalizedResource[] {
  const byKey = new Map<string, NormalizedResource>();
  for (const r of page) byKey.set(`${r.region}\u0000${r.identifier}`, r);
  return byKey.size === page.length ? page : [...byKey.values()];
}
