// Evaluates a compiled mapping over a batch of resources in the jq pool: one jq run per kind and
// chunk; a chunk over its limits fails alone (every resource in it gets a `batch` error).
import { JqError, JqLimitError } from './mapping.errors';
import { sharedJqPool, type JqPool } from './jq.pool';
import type { CompiledMapping } from './mapping.compiler';
import type { MappableResource, MappingEntityError, MappingResult } from './mapping.types';

export interface EvaluateOptions {
  pool?: JqPool;
  /** Resources per jq run (default 1,000). */
  batchSize?: number;
  /** Time limit per jq run, ms (default: the pool's). */
  timeoutMs?: number;
}

/** Maps `resources` to Port entities; resources of kinds the mapping does not name give nothing. */
export async function evaluateMapping(
  mapping: CompiledMapping,
  resources: readonly MappableResource[],
  options: EvaluateOptions = {},
): Promise<MappingResult> {
  const pool = options.pool ?? sharedJqPool();
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const byKind = new Map<string, number[]>();
  resources.forEach((r, i) => {
    if (!mapping.kinds.has(r.type)) return;
    const list = byKind.get(r.type) ?? [];
    list.push(i);
    byKind.set(r.type, list);
  });
  const runs: Promise<MappingResult>[] = [];
  for (const [kind, indexes] of byKind) {
    const program = mapping.kinds.get(kind)!;
    for (let start = 0, batch = 1; start < indexes.length; start += batchSize, batch++) {
      const chunk = indexes.slice(start, start + batchSize);
      const label = `mapping ${kind} batch ${batch} (${chunk.length} resources)`;
      const task = {
        kind,
        program: program.program,
        entities: program.entities,
        resources: chunk.map((i) => pick(resources[i])),
      };
      runs.push(
        pool.map(task, { label, timeoutMs: options.timeoutMs }).then(
          (r) => reindex(r, chunk),
          (err: unknown) =>
            failedBatch(
              err,
              kind,
              program.entities.map((e) => e.mapping),
              chunk,
              resources,
            ),
        ),
      );
    }
  }
  const results = await Promise.all(runs);
  const entities = results
    .flatMap((r) => r.entities)
    .sort((a, b) => a.index - b.index || a.mapping - b.mapping);
  const errors = results.flatMap((r) => r.errors).sort((a, b) => a.index - b.index || a.mapping - b.mapping);
  return { entities, errors };
}

/** Only what the jq input needs crosses to the worker. */
function pick(r: MappableResource): MappableResource {
  return {
    type: r.type,
    identifier: r.identifier,
    region: r.region,
    accountId: r.accountId,
    properties: r.properties,
  };
}

function reindex(r: MappingResult, chunk: number[]): MappingResult {
  for (const e of r.entities) e.index = chunk[e.index];
  for (const e of r.errors) e.index = chunk[e.index];
  return r;
}

function failedBatch(
  err: unknown,
  kind: string,
  mappings: number[],
  chunk: number[],
  resources: readonly MappableResource[],
): MappingResult {
  // A limit, or jq failing outside the per-field guards: that batch fails, the others stand.
  if (!(err instanceof JqLimitError) && !(err instanceof JqError)) throw err;
  const errors: MappingEntityError[] = chunk.flatMap((index) =>
    mappings.map((mapping) => ({
      index,
      kind,
      mapping,
      identifier: resources[index].identifier ?? null,
      field: 'batch',
      message: err instanceof JqLimitError ? err.message : `mapping ${kind}: jq failed: ${err.message}`,
    })),
  );
  return { entities: [], errors };
}
