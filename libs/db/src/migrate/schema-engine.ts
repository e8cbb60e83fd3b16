import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { repoRoot } from '@tally/common';

export const SCHEMA_PATH = join(repoRoot(), 'prisma', 'schema.prisma');

interface WasmEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}

/**
 * Loads Prisma's schema engine as WebAssembly (an official Prisma package), which needs no native
 * binary download. The package's entry imports the .wasm as an ES module, which Node cannot do,
 * so we instantiate the bytes ourselves with its generated bindings.
 */
async function loadEngine(databaseUrl: string): Promise<WasmEngine> {
  const bindings = await loadBindings();
  const utils = (await import('@prisma/driver-adapter-utils')) as Record<string, any>;
  const datamodel = await readFile(SCHEMA_PATH, 'utf8');
  const adapter = utils.bindMigrationAwareSqlAdapterFactory(
    new PrismaPg({ connectionString: databaseUrl, max: 2 }),
  );
  return bindings.SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, () => undefined, adapter);
}

let bindingsPromise: Promise<Record<string, any>> | undefined;

// The WebAssembly module holds global state: instantiate it once per process.
function loadBindings(): Promise<Record<string, any>> {
  bindingsPromise ??= (async () => {
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Record<string, any>;
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    // Node has WebAssembly; the compile settings carry no DOM typings, hence the cast.
    const wasm = (globalThis as unknown as { WebAssembly: { instantiate: Function } }).WebAssembly;
    const { instance } = await wasm.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': bindings,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bindings;
  })();
  return bindingsPromise;
}

const noFilters = { externalTables: [], externalEnums: [] };

/** The SQL that creates schema.prisma from nothing (the drift check applies it to a scratch database). */
export async function diffFromEmpty(scratchUrl: string): Promise<string> {
  return diffDatamodels(scratchUrl, null, await readFile(SCHEMA_PATH, 'utf8'));
}

/**
 * The SQL from one datamodel to another (`from` null: from nothing). Needs no database content;
 * the URL only satisfies the engine's adapter.
 */
export async function diffDatamodels(scratchUrl: string, from: string | null, to: string): Promise<string> {
  const engine = await loadEngine(scratchUrl);
  const model = (content: string) => ({
    tag: 'schemaDatamodel',
    files: [{ path: 'schema.prisma', content }],
  });
  const result = await engine.diff({
    from: from === null ? { tag: 'empty' } : model(from),
    to: model(to),
    script: true,
    exitCode: null,
    filters: noFilters,
  });
  return normalizeScript(result.stdout ?? '');
}

// The engine says "empty migration" in a comment when nothing differs; keep only statements.
function normalizeScript(sql: string): string {
  return sql
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('--'))
    .join('\n')
    .trim();
}
