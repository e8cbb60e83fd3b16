// EventBridge event patterns: validation (with EventBridge's own wording) and matching. A pattern
// mirrors the event's structure; leaves are arrays of matchers (OR), keys are ANDed, `$or` ORs
// sub-patterns. Event arrays match when any element does.
import { AwsError } from '../contract';

export type EventPattern = { [key: string]: unknown };

const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);
const MATCHERS = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'equals-ignore-case',
  'wildcard',
  'cidr',
]);

function invalid(reason: string): AwsError {
  return new AwsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`, 400);
}

/** Parses and validates a pattern (JSON text or object); InvalidEventPatternException when it is not one. */
export function parseEventPattern(input: unknown): EventPattern {
  let p = input;
  if (typeof input === 'string') {
    try {
      p = JSON.parse(input);
    } catch {
      throw invalid('Filter is not an object');
    }
  }
  if (!isObject(p)) throw invalid('Filter is not an object');
  if (!Object.keys(p).length) throw invalid('Empty objects are not allowed');
  checkObject(p, '');
  return p;
}

function checkObject(p: EventPattern, path: string): void {
  for (const [key, value] of Object.entries(p)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw invalid('"$or" must be an array of at least 2 objects');
      for (const sub of value) {
        if (!isObject(sub)) throw invalid('"$or" must contain objects');
        checkObject(sub, path);
      }
    } else if (Array.isArray(value)) {
      if (!value.length) throw invalid(`Empty arrays are not allowed at "${at}"`);
      for (const m of value) checkMatcher(m, at);
    } else if (isObject(value)) {
      if (!Object.keys(value).length) throw invalid(`Empty objects are not allowed at "${at}"`);
      checkObject(value, at);
    } else {
      throw invalid(`"${key}" must be an object or an array`);
    }
  }
}

function checkMatcher(m: unknown, at: string): void {
  if (m === null || typeof m !== 'object') return; // literal
  if (Array.isArray(m)) throw invalid(`Match value must be String, number, true, false, or null at "${at}"`);
  const keys = Object.keys(m);
  if (keys.length !== 1 || !MATCHERS.has(keys[0]))
    throw invalid(`Unrecognized match type ${keys[0] ?? '{}'} at "${at}"`);
  const [op, v] = [keys[0], (m as Record<string, unknown>)[keys[0]]];
  const stringOrIgnoreCase = (x: unknown) =>
    typeof x === 'string' ||
    (isObject(x) && typeof x['equals-ignore-case'] === 'string' && Object.keys(x).length === 1);
  if ((op === 'prefix' || op === 'suffix') && !stringOrIgnoreCase(v))
    throw invalid(`${op} match pattern must be a string at "${at}"`);
  if ((op === 'equals-ignore-case' || op === 'wildcard' || op === 'cidr') && typeof v !== 'string')
    throw invalid(`${op} match pattern must be a string at "${at}"`);
  if (op === 'exists' && typeof v !== 'boolean')
    throw invalid(`exists match pattern must be either true or false at "${at}"`);
  if (op === 'numeric') {
    if (!Array.isArray(v) || !v.length || v.length % 2)
      throw invalid(`Value of numeric must be an array at "${at}"`);
    for (let i = 0; i < v.length; i += 2) {
      if (!NUMERIC_OPS.has(v[i] as string))
        throw invalid(`Unrecognized numeric range operator: ${String(v[i])} at "${at}"`);
      if (typeof v[i + 1] !== 'number') throw invalid(`Value of ${String(v[i])} must be numeric at "${at}"`);
    }
  }
  if (op === 'anything-but') {
    const ok =
      typeof v === 'string' ||
      typeof v === 'number' ||
      (Array.isArray(v) &&
        v.length > 0 &&
        (v.every((x) => typeof x === 'string') || v.every((x) => typeof x === 'number'))) ||
      (isObject(v) &&
        Object.keys(v).length === 1 &&
        ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(Object.keys(v)[0]));
    if (!ok) throw invalid(`Value of anything-but must be an array or single string/number value at "${at}"`);
  }
}

/** Whether an event (any JSON object) matches a validated pattern. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: EventPattern, value: unknown): boolean {
  for (const [key, p] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(p as EventPattern[]).some((sub) => matchObject(sub, value))) return false;
      continue;
    }
    const present = isObject(value) && Object.hasOwn(value, key);
    const v = present ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(p)) {
      if (!matchLeaf(p, v, present)) return false;
    } else if (Array.isArray(v)) {
      if (!v.some((item) => matchObject(p as EventPattern, item))) return false;
    } else if (!matchObject(p as EventPattern, v)) return false;
  }
  return true;
}

function matchLeaf(matchers: unknown[], value: unknown, present: boolean): boolean {
  const values = !present ? [] : Array.isArray(value) ? value : [value];
  return matchers.some((m) => {
    if (m === null || typeof m !== 'object') return values.some((v) => v === m);
    const [op, arg] = Object.entries(m as Record<string, unknown>)[0];
    switch (op) {
      case 'exists':
        return arg === true ? present && !(Array.isArray(value) && value.length === 0) : !present;
      case 'prefix':
        return values.some((v) => typeof v === 'string' && textMatch(arg, v, (a, b) => b.startsWith(a)));
      case 'suffix':
        return values.some((v) => typeof v === 'string' && textMatch(arg, v, (a, b) => b.endsWith(a)));
      case 'equals-ignore-case':
        return values.some((v) => typeof v === 'string' && v.toLowerCase() === (arg as string).toLowerCase());
      case 'wildcard':
        return values.some((v) => typeof v === 'string' && wildcard(arg as string).test(v));
      case 'cidr':
        return values.some((v) => typeof v === 'string' && inCidr(v, arg as string));
      case 'numeric':
        return values.some((v) => typeof v === 'number' && numericHolds(arg as unknown[], v));
      case 'anything-but':
        return values.some((v) => !excluded(arg, v));
      default:
        return false;
    }
  });
}

function excluded(arg: unknown, v: unknown): boolean {
  if (Array.isArray(arg)) return arg.includes(v);
  if (isObject(arg)) {
    const [op, x] = Object.entries(arg)[0] as [string, string];
    if (typeof v !== 'string') return false;
    if (op === 'prefix') return v.startsWith(x);
    if (op === 'suffix') return v.endsWith(x);
    if (op === 'equals-ignore-case') return v.toLowerCase() === x.toLowerCase();
    if (op === 'wildcard') return wildcard(x).test(v);
    return false;
  }
  return arg === v;
}

function textMatch(arg: unknown, v: string, test: (a: string, b: string) => boolean): boolean {
  if (typeof arg === 'string') return test(arg, v);
  const x = (arg as Record<string, string>)['equals-ignore-case'];
  return test(x.toLowerCase(), v.toLowerCase());
}

function numericHolds(spec: unknown[], v: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const n = spec[i + 1] as number;
    const ok = { '<': v < n, '<=': v <= n, '=': v === n, '>': v > n, '>=': v >= n }[spec[i] as string];
    if (!ok) return false;
  }
  return true;
}

const wildcards = new Map<string, RegExp>();
function wildcard(pattern: string): RegExp {
  let re = wildcards.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    );
    wildcards.set(pattern, re);
  }
  return re;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const toInt = (s: string) => {
    const parts = s.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
    return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
  };
  const a = toInt(ip);
  const b = toInt(base);
  const bits = Number(bitsText ?? 32);
  if (a === undefined || b === undefined) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
