// Reads a Port mapping YAML into entity specs, with an issue per problem (path, kind, reason). jq
// expressions are compiled later (mapping.compiler.ts); this only checks the document's structure.
import { parseDocument } from 'yaml';
import type { EntitySpec, MappingIssue } from './mapping.types';

export interface ParsedEntry extends EntitySpec {
  kind: string;
}

export interface ParsedMapping {
  entries: ParsedEntry[];
  issues: MappingIssue[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `text` and checks its structure against `allowedKinds`. */
export function parseMapping(text: string, allowedKinds: readonly string[]): ParsedMapping {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    return {
      entries: [],
      issues: doc.errors.map((e) => ({
        path: '(yaml)',
        kind: null,
        // The first line says what and where (`… at line 3, column 1:`); the rest is an excerpt.
        message: `invalid YAML: ${e.message.split('\n')[0].replace(/:$/, '')}`,
      })),
    };
  }
  const root: unknown = doc.toJS();
  if (!isObj(root) || !Array.isArray(root.resources)) {
    return {
      entries: [],
      issues: [{ path: 'resources', kind: null, message: 'must be a list of resource mappings' }],
    };
  }
  const out: ParsedMapping = { entries: [], issues: [] };
  root.resources.forEach((item, i) => {
    const entry = parseEntry(item, `resources[${i}]`, i, allowedKinds, out.issues);
    if (entry) out.entries.push(entry);
  });
  if (!root.resources.length)
    out.issues.push({ path: 'resources', kind: null, message: 'must list at least one kind' });
  return out;
}

function parseEntry(
  item: unknown,
  at: string,
  index: number,
  allowedKinds: readonly string[],
  issues: MappingIssue[],
): ParsedEntry | null {
  const before = issues.length;
  if (!isObj(item)) {
    issues.push({ path: at, kind: null, message: 'must be an object with kind, selector and port' });
    return null;
  }
  const kind = typeof item.kind === 'string' ? item.kind : null;
  const issue = (path: string, message: string) => issues.push({ path: `${at}.${path}`, kind, message });
  if (kind === null) issue('kind', 'is required (a resource type such as AWS::S3::Bucket)');
  else if (!allowedKinds.includes(kind))
    issue('kind', `unknown kind; expected one of ${allowedKinds.join(', ')}`);

  const selector = item.selector === undefined ? { query: 'true' } : item.selector;
  const query = isObj(selector) ? expression(selector.query ?? 'true') : null;
  if (query === null) issue('selector.query', 'must be a jq expression giving true or false');

  const port = isObj(item.port) ? item.port : null;
  const entity = port && isObj(port.entity) ? port.entity : null;
  const mappings = entity && isObj(entity.mappings) ? entity.mappings : null;
  if (!mappings) {
    issue(
      'port.entity.mappings',
      'is required (identifier, blueprint, and optionally title, properties, relations)',
    );
    return null;
  }
  const fields: EntitySpec['fields'] = [];
  const m = 'port.entity.mappings';
  for (const name of ['identifier', 'title', 'blueprint', 'team', 'icon'] as const) {
    if (mappings[name] === undefined || mappings[name] === null) {
      if (name === 'identifier' || name === 'blueprint')
        issue(`${m}.${name}`, 'is required (a jq expression)');
      continue;
    }
    const expr = expression(mappings[name]);
    if (expr === null) issue(`${m}.${name}`, 'must be a jq expression (a string)');
    else fields.push({ field: name, expr });
  }
  for (const group of ['properties', 'relations'] as const) {
    const value = mappings[group];
    if (value === undefined || value === null) continue;
    if (!isObj(value)) {
      issue(`${m}.${group}`, 'must map names to jq expressions');
      continue;
    }
    for (const [key, raw] of Object.entries(value)) {
      const expr = expression(raw);
      if (expr === null) issue(`${m}.${group}.${key}`, 'must be a jq expression (a string)');
      else fields.push({ field: `${group}.${key}`, expr });
    }
  }
  if (issues.length > before || kind === null || query === null) return null;
  return { kind, mapping: index, selector: query, fields };
}

/** A jq expression; YAML scalars written unquoted (`true`, `1`) are their jq literal. */
function expression(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return null;
}
