// Compile once, evaluate many: a mapping is parsed, checked and turned into one jq program per kind,
// and cached by the hash of its text.
import { createHash } from 'node:crypto';
import { SUPPORTED_RESOURCE_TYPES } from '@tally/aws';
import { compileCheckProgram, compileErrorText, kindProgram } from './jq.program';
import { sharedJqPool, type JqPool } from './jq.pool';
import { JqError, MappingValidationError } from './mapping.errors';
import { parseMapping, type ParsedEntry } from './mapping.schema';
import { ORGANIZATIONS_ACCOUNT_KIND, type KindProgram, type MappingIssue } from './mapping.types';

/** Kinds a mapping may name: every type Tally collects, and Organizations accounts. */
export const MAPPING_KINDS: readonly string[] = [...SUPPORTED_RESOURCE_TYPES, ORGANIZATIONS_ACCOUNT_KIND];

/** A mapping ready to evaluate: one program per kind it names. */
export interface CompiledMapping {
  /** sha256 of the YAML text. */
  hash: string;
  kinds: ReadonlyMap<string, KindProgram>;
}

const CACHE_SIZE = 256;
const cache = new Map<string, CompiledMapping>();

/** The sha256 of a mapping's text (the cache key; also handy to tell versions apart). */
export function mappingHash(yaml: string): string {
  return createHash('sha256').update(yaml).digest('hex');
}

/** Parses, checks and compiles a mapping; throws MappingValidationError listing every issue. */
export async function compileMapping(yaml: string, pool: JqPool = sharedJqPool()): Promise<CompiledMapping> {
  const hash = mappingHash(yaml);
  const hit = cache.get(hash);
  if (hit) {
    cache.delete(hash);
    cache.set(hash, hit);
    return hit;
  }
  const parsed = parseMapping(yaml, MAPPING_KINDS);
  if (parsed.issues.length) throw new MappingValidationError(parsed.issues);
  const kinds = new Map<string, KindProgram>();
  for (const entry of parsed.entries) {
    const kind = kinds.get(entry.kind) ?? { kind: entry.kind, program: '', entities: [] };
    kind.entities.push({ mapping: entry.mapping, selector: entry.selector, fields: entry.fields });
    kinds.set(entry.kind, kind);
  }
  for (const k of kinds.values()) k.program = kindProgram(k.entities);
  const issues = await checkPrograms([...kinds.values()], parsed.entries, pool);
  if (issues.length) throw new MappingValidationError(issues);
  const compiled: CompiledMapping = { hash, kinds };
  cache.set(hash, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return compiled;
}

/** The issues of a mapping (none when it compiles), for callers that report rather than throw. */
export async function validateMapping(yaml: string, pool: JqPool = sharedJqPool()): Promise<MappingIssue[]> {
  try {
    await compileMapping(yaml, pool);
    return [];
  } catch (err) {
    if (err instanceof MappingValidationError) return err.issues;
    throw err;
  }
}

/**
 * jq compiles each kind's whole program; only when one fails are its expressions compiled one by one,
 * to name the field and give jq's message for it.
 */
async function checkPrograms(
  kinds: KindProgram[],
  entries: ParsedEntry[],
  pool: JqPool,
): Promise<MappingIssue[]> {
  const issues: MappingIssue[] = [];
  for (const k of kinds) {
    if ((await compileError(`if false then (${k.program}) else empty end`, pool)) === null) continue;
    const before = issues.length;
    for (const entry of entries.filter((e) => e.kind === k.kind)) {
      const at = `resources[${entry.mapping}]`;
      const exprs = [
        { path: `${at}.selector.query`, expr: entry.selector },
        ...entry.fields.map((f) => ({ path: `${at}.port.entity.mappings.${f.field}`, expr: f.expr })),
      ];
      for (const { path, expr } of exprs) {
        const error = await compileError(compileCheckProgram(expr), pool);
        if (error !== null) issues.push({ path, kind: k.kind, message: `jq compile error: ${error}` });
      }
    }
    if (issues.length === before) {
      issues.push({
        path: 'resources',
        kind: k.kind,
        message: 'the expressions of this kind do not compile together',
      });
    }
  }
  return issues;
}

async function compileError(program: string, pool: JqPool): Promise<string | null> {
  try {
    await pool.run(program, 'null', ['-n'], { label: 'mapping compilation', timeoutMs: 10_000 });
    return null;
  } catch (err) {
    if (err instanceof JqError) return compileErrorText(err.stderr || err.message);
    throw err;
  }
}
