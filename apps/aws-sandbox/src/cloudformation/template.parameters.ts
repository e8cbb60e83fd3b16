// Resolves a template's Parameters from the values given at deploy time, with CloudFormation's
// checks: unknown names, missing values, AllowedValues, AllowedPattern (whole value; each item of a
// CommaDelimitedList), Min/MaxLength, Min/MaxValue.
import { invalid, type JsonObject } from './template.parse';

export type ParameterInput =
  Record<string, unknown> | { ParameterKey: string; ParameterValue: unknown }[] | undefined;

/** Normalizes `{Name: value}` or `[{ParameterKey, ParameterValue}]` to a map of strings. */
export function parameterValues(input: ParameterInput): Map<string, string> {
  const entries: [string, unknown][] = Array.isArray(input)
    ? input.map((p) => [p?.ParameterKey, p?.ParameterValue])
    : Object.entries(input ?? {});
  const out = new Map<string, string>();
  for (const [key, value] of entries) {
    if (typeof key !== 'string' || !key) throw invalid('parameters: every parameter needs a name');
    if (Array.isArray(value)) out.set(key, value.map(String).join(','));
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out.set(key, String(value));
    else throw invalid(`parameters: ${key} must be a string`);
  }
  return out;
}

/** The resolved value of every declared parameter (a list for CommaDelimitedList and List<…> types). */
export function resolveParameters(
  declared: JsonObject,
  given: Map<string, string>,
): Map<string, string | string[]> {
  const unknown = [...given.keys()].filter((k) => !(k in declared));
  if (unknown.length) throw invalid(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const missing = Object.entries(declared)
    .filter(([name, p]) => !given.has(name) && (p as JsonObject)?.Default === undefined)
    .map(([name]) => name);
  if (missing.length) throw invalid(`Parameters: [${missing.join(', ')}] must have values`);
  const out = new Map<string, string | string[]>();
  for (const [name, spec] of Object.entries(declared)) {
    const p = spec as JsonObject;
    const raw = given.get(name) ?? String(p.Default);
    out.set(name, check(name, p, raw));
  }
  return out;
}

function check(name: string, p: JsonObject, raw: string): string | string[] {
  const type = String(p.Type ?? '');
  if (!type) throw invalid(`Template format error: parameter ${name} has no Type`);
  const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
  const items = isList ? raw.split(',').map((s) => s.trim()) : [raw];
  const fail = (detail: string) =>
    invalid(
      `Parameter '${name}' failed to satisfy constraint: ${typeof p.ConstraintDescription === 'string' ? p.ConstraintDescription : detail}`,
    );
  for (const item of items) {
    if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(item)) {
      throw invalid(`Parameter '${name}' must be one of AllowedValues`);
    }
    if (typeof p.AllowedPattern === 'string' && !fullMatch(p.AllowedPattern, item)) {
      throw fail(`Parameter '${name}' must match pattern ${p.AllowedPattern}`);
    }
    if (typeof p.MinLength === 'number' && item.length < p.MinLength)
      throw fail(`shorter than ${p.MinLength}`);
    if (typeof p.MaxLength === 'number' && item.length > p.MaxLength)
      throw fail(`longer than ${p.MaxLength}`);
    if (type === 'Number' || type === 'List<Number>') checkNumber(name, p, item, fail);
  }
  return isList ? items : raw;
}

function checkNumber(name: string, p: JsonObject, item: string, fail: (d: string) => Error): void {
  const n = Number(item);
  if (item.trim() === '' || Number.isNaN(n)) throw invalid(`Parameter '${name}' must be a number`);
  if (typeof p.MinValue === 'number' && n < p.MinValue) throw fail(`less than ${p.MinValue}`);
  if (typeof p.MaxValue === 'number' && n > p.MaxValue) throw fail(`greater than ${p.MaxValue}`);
}

// CloudFormation (Java regex) requires the pattern to match the whole value.
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    try {
      return new RegExp(`^(?:${pattern})$`).test(value);
    } catch {
      throw invalid(`Template format error: AllowedPattern ${pattern} is not a valid regular expression`);
    }
  }
}
