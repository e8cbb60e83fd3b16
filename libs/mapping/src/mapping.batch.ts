// Inside the jq worker: the jq input of each resource, and the entities/errors read back from the
// kind program's output (see jq.program.ts for its shape).
import { runtimeErrorText } from './jq.program';
import {
  ORGANIZATIONS_ACCOUNT_KIND,
  type EntitySpec,
  type MappableResource,
  type MappingResult,
  type PortEntity,
} from './mapping.types';

/** Port's jq input for a resource; an Organizations account is its `Account` object as it is. */
export function jqInput(r: MappableResource): unknown {
  if (r.type === ORGANIZATIONS_ACCOUNT_KIND) return r.properties;
  return {
    Identifier: r.identifier,
    Properties: r.properties,
    __Kind: r.type,
    __Region: r.region,
    __AccountId: r.accountId,
  };
}

type Wrapped = ['v', unknown] | ['e', unknown];

/** Reads a kind program's output for `resources` (indexes are positions in `resources`). */
export function readBatchOutput(
  kind: string,
  entities: EntitySpec[],
  resources: MappableResource[],
  output: Wrapped[][][],
): MappingResult {
  const result: MappingResult = { entities: [], errors: [] };
  if (!Array.isArray(output) || output.length !== resources.length) {
    throw new Error(`the mapping program gave ${describe(output)} for ${resources.length} inputs`);
  }
  output.forEach((perEntity, index) => {
    const identifier = typeof resources[index].identifier === 'string' ? resources[index].identifier : null;
    entities.forEach((spec, e) => {
      const fail = (field: string, message: string) =>
        result.errors.push({ index, kind, mapping: spec.mapping, identifier, field, message });
      const [selector, ...values] = perEntity[e];
      if (selector[0] === 'e') return fail('selector.query', runtimeErrorText(selector[1]));
      if (typeof selector[1] !== 'boolean') {
        return fail('selector.query', `must give a boolean (true or false), got ${describe(selector[1])}`);
      }
      if (!selector[1]) return;
      const entity = buildEntity(spec, values, fail);
      if (entity) result.entities.push({ index, kind, mapping: spec.mapping, entity });
    });
  });
  return result;
}

function buildEntity(
  spec: EntitySpec,
  values: Wrapped[],
  fail: (field: string, message: string) => void,
): PortEntity | null {
  const entity: PortEntity = { identifier: '', title: null, blueprint: '', properties: {}, relations: {} };
  let ok = true;
  spec.fields.forEach(({ field }, i) => {
    const [tag, value] = values[i];
    if (tag === 'e') {
      ok = false;
      return fail(field, runtimeErrorText(value));
    }
    const problem = checkValue(field, value);
    if (problem) {
      ok = false;
      return fail(field, problem);
    }
    const dot = field.indexOf('.');
    if (dot < 0) (entity as unknown as Record<string, unknown>)[field] = value;
    else
      define(
        field.startsWith('properties.') ? entity.properties : entity.relations,
        field.slice(dot + 1),
        value,
      );
  });
  return ok ? entity : null;
}

/** A tenant-named key as an own property, even `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Port's constraints on the entity's own fields; properties and relations take any JSON value. */
function checkValue(field: string, value: unknown): string | null {
  if (field === 'identifier' || field === 'blueprint') {
    return typeof value === 'string' && value !== ''
      ? null
      : `must give a non-empty string, got ${describe(value)}`;
  }
  if (field === 'title' || field === 'icon') {
    return value === null || typeof value === 'string'
      ? null
      : `must give a string or null, got ${describe(value)}`;
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  const json = JSON.stringify(value) ?? String(value);
  const short = json.length > 80 ? `${json.slice(0, 77)}...` : json;
  return `${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`} (${short})`;
}
