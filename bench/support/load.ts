// Bulk-loading generated resources with COPY (the api benchmark's inventory when it runs alone,
// and the ingest benchmark's bound).
import type { Pool, PoolClient } from 'pg';
import type { NormalizedResource } from '@tally/aws';
import { propertiesHash } from '@tally/sync';
import { copyField, copyFrom } from './copy-in';
import { pagesOf, type CellRef } from './dataset';

export const RESOURCE_COLUMNS =
  'tenant_id, connection_id, account_id, region, type, identifier, arn, name, tags, relationships, properties, properties_hash, last_run_id';

export interface LoadIds {
  tenantId: string;
  connectionId: string;
  runId: string;
}

/** A page of resources as COPY text lines (hash computed here, as upsertPage does). */
export function copyText(type: string, accountId: string, page: NormalizedResource[], ids: LoadIds): string {
  let text = '';
  for (const r of page) {
    text += [
      ids.tenantId,
      ids.connectionId,
      accountId,
      r.region,
      type,
      copyField(r.identifier),
      copyField(r.arn),
      copyField(r.name),
      copyField(JSON.stringify(r.tags)),
      copyField(JSON.stringify(r.relationships)),
      copyField(JSON.stringify(r.properties)),
      propertiesHash(r.properties),
      ids.runId,
    ].join('\t');
    text += '\n';
  }
  return text;
}

/** COPYs every cell's generated resources into `table` (one stream); returns the row count. */
export async function copyCells(
  pool: Pool,
  table: string,
  seed: string,
  cells: (CellRef & { count: number; start?: number })[],
  ids: LoadIds,
): Promise<number> {
  const client: PoolClient = await pool.connect();
  try {
    function* chunks() {
      for (const cell of cells)
        for (const page of pagesOf(seed, cell, cell.count, 1000, cell.start ?? 0))
          yield copyText(cell.type, cell.accountId, page, ids);
    }
    return await copyFrom(client, `COPY ${table} (${RESOURCE_COLUMNS}) FROM STDIN`, chunks());
  } finally {
    client.release();
  }
}
