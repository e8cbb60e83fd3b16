// Evaluates CloudFormation intrinsic functions against a stack's parameters, pseudo parameters,
// conditions and the resources created so far. Fn::If only evaluates the branch it takes, so a
// reference to a resource skipped by its condition is fine in the other branch.
import { invalid, type Json, type JsonObject } from './template.parse';

/** AWS::NoValue: removes the property or list item it stands for. */
export const NO_VALUE = Symbol('AWS::NoValue');

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | typeof NO_VALUE;

/** What a created resource answers to Ref and Fn::GetAtt. */
export interface ResourceOutputs {
  ref: string;
  attributes: Record<string, string>;
}

export interface EvalScope {
  /** Parameter values (lists for CommaDelimitedList) and pseudo parameters. */
  refs: Map<string, string | string[]>;
  mappings: JsonObject;
  region: string;
  condition(name: string): boolean;
  /** A created resource; undefined if it was skipped or not created yet. */
  resource(logicalId: string): ResourceOutputs | undefined;
  /** Whether a logical id names a resource of the template. */
  isResource(logicalId: string): boolean;
}

const FN_KEYS = new Set([
  'Ref',
  'Condition',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Base64',
  'Fn::FindInMap',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Cidr',
]);

/** The intrinsic an object is, if it is one (a single key naming a function). */
function intrinsicOf(node: Json): [string, Json] | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 && FN_KEYS.has(keys[0]) ? [keys[0], node[keys[0]]] : undefined;
}

/** Evaluates a template fragment, removing AWS::NoValue properties and items. */
export function evaluate(node: Json, scope: EvalScope): Value {
  const fn = intrinsicOf(node);
  if (fn) return evaluateFn(fn[0], fn[1], scope);
  if (Array.isArray(node)) return node.map((n) => evaluate(n, scope)).filter((v) => v !== NO_VALUE);
  if (node && typeof node === 'object') {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(node)) {
      const value = evaluate(v, scope);
      if (value !== NO_VALUE) out[k] = value;
    }
    return out;
  }
  return node;
}

/** Evaluates a condition expression (Fn::Equals/Not/And/Or, Condition) to a boolean. */
export function evaluateCondition(node: Json, scope: EvalScope): boolean {
  const value = evaluate(node, scope);
  if (typeof value !== 'boolean') throw invalid('Template error: a condition must evaluate to true or false');
  return value;
}

function evaluateFn(name: string, arg: Json, scope: EvalScope): Value {
  switch (name) {
    case 'Ref':
      return ref(arg, scope);
    case 'Condition':
      return scope.condition(asString(arg, 'Condition'));
    case 'Fn::Sub':
      return substitute(arg, scope);
    case 'Fn::GetAtt':
      return getAtt(arg, scope);
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = args(arg, 'Fn::If', 3);
      return evaluate(scope.condition(asString(cond, 'Fn::If')) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals': {
      const [a, b] = args(arg, 'Fn::Equals', 2).map((x) => evaluate(x, scope));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !evaluateCondition(args(arg, 'Fn::Not', 1)[0], scope);
    case 'Fn::And':
      return list(arg, 'Fn::And').every((c) => evaluateCondition(c, scope));
    case 'Fn::Or':
      return list(arg, 'Fn::Or').some((c) => evaluateCondition(c, scope));
    case 'Fn::Join': {
      const [delimiter, items] = args(arg, 'Fn::Join', 2);
      return stringList(evaluate(items, scope), 'Fn::Join').join(asString(delimiter, 'Fn::Join'));
    }
    case 'Fn::Select': {
      const [index, items] = args(arg, 'Fn::Select', 2);
      const values = stringList(evaluate(items, scope), 'Fn::Select');
      const i = Number(evaluate(index, scope));
      if (!Number.isInteger(i) || i < 0 || i >= values.length)
        throw invalid('Template error: Fn::Select index out of range');
      return values[i];
    }
    case 'Fn::Split': {
      const [delimiter, source] = args(arg, 'Fn::Split', 2);
      return asString(evaluate(source, scope), 'Fn::Split').split(asString(delimiter, 'Fn::Split'));
    }
    case 'Fn::Base64':
      return Buffer.from(asString(evaluate(arg, scope), 'Fn::Base64')).toString('base64');
    case 'Fn::FindInMap':
      return findInMap(arg, scope);
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((z) => `${scope.region}${z}`);
    default:
      throw invalid(`Template error: ${name} is not supported by the sandbox`);
  }
}

function ref(arg: Json, scope: EvalScope): Value {
  const name = asString(arg, 'Ref');
  if (name === 'AWS::NoValue') return NO_VALUE;
  const known = scope.refs.get(name);
  if (known !== undefined) return known;
  if (!scope.isResource(name))
    throw invalid(
      `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
    );
  const resource = scope.resource(name);
  if (!resource) throw invalid(`Template error: resource ${name} is not created (its condition is false)`);
  return resource.ref;
}

function getAtt(arg: Json, scope: EvalScope): Value {
  const parts =
    typeof arg === 'string'
      ? splitOnce(arg)
      : args(arg, 'Fn::GetAtt', 2).map((x) => asString(evaluate(x, scope), 'Fn::GetAtt'));
  const [logicalId, attribute] = parts;
  if (!scope.isResource(logicalId))
    throw invalid(`Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`);
  const resource = scope.resource(logicalId);
  if (!resource)
    throw invalid(`Template error: resource ${logicalId} is not created (its condition is false)`);
  const value = resource.attributes[attribute];
  if (value === undefined)
    throw invalid(`Template error: resource ${logicalId} has no attribute ${attribute}`);
  return value;
}

function substitute(arg: Json, scope: EvalScope): string {
  const [template, variables] = typeof arg === 'string' ? [arg, {}] : args(arg, 'Fn::Sub', 2);
  if (
    typeof template !== 'string' ||
    !variables ||
    typeof variables !== 'object' ||
    Array.isArray(variables)
  ) {
    throw invalid('Template error: Fn::Sub takes a string or [string, {variables}]');
  }
  const vars = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, evaluate(v, scope)]));
  return template.replace(/\$\{([^}]*)\}/g, (_match, expr: string) => {
    if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
    const name = expr.trim();
    const value =
      name in vars
        ? vars[name]
        : name.includes('.') && !scope.refs.has(name)
          ? getAtt(name, scope)
          : ref(name, scope);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalid(`Template error: variable ${name} in Fn::Sub must resolve to a string`);
    }
    return String(value);
  });
}

function findInMap(arg: Json, scope: EvalScope): Value {
  const [map, top, second] = args(arg, 'Fn::FindInMap', 3).map((x) =>
    asString(evaluate(x, scope), 'Fn::FindInMap'),
  );
  const value = (scope.mappings[map] as JsonObject | undefined)?.[top] as JsonObject | undefined;
  if (!value || !(second in value))
    throw invalid(`Template error: Fn::FindInMap cannot find ${map}/${top}/${second}`);
  return value[second] as Value;
}

/** Logical ids of resources a fragment refers to (Ref, Fn::GetAtt, ${…} in Fn::Sub): its dependencies. */
export function referencedResources(
  node: Json,
  isResource: (id: string) => boolean,
  out = new Set<string>(),
): Set<string> {
  const fn = intrinsicOf(node);
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string' && isResource(fn[1])) out.add(fn[1]);
  if (fn?.[0] === 'Fn::GetAtt') {
    const id = typeof fn[1] === 'string' ? splitOnce(fn[1])[0] : Array.isArray(fn[1]) ? fn[1][0] : undefined;
    if (typeof id === 'string' && isResource(id)) out.add(id);
  }
  if (fn?.[0] === 'Fn::Sub') {
    const [template, variables] =
      typeof fn[1] === 'string' ? [fn[1], {}] : Array.isArray(fn[1]) ? fn[1] : ['', {}];
    const local = variables && typeof variables === 'object' ? Object.keys(variables) : [];
    for (const m of String(template).matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const id = m[1].trim().split('.')[0];
      if (!local.includes(m[1].trim()) && isResource(id)) out.add(id);
    }
  }
  if (node && typeof node === 'object') {
    for (const child of Object.values(node)) referencedResources(child as Json, isResource, out);
  }
  return out;
}

function splitOnce(s: string): [string, string] {
  const dot = s.indexOf('.');
  if (dot < 0) throw invalid(`Template error: Fn::GetAtt needs Resource.Attribute, got ${s}`);
  return [s.slice(0, dot), s.slice(dot + 1)];
}

function args(arg: Json, fn: string, n: number): Json[] {
  if (!Array.isArray(arg) || arg.length !== n)
    throw invalid(`Template error: ${fn} takes a list of ${n} arguments`);
  return arg;
}

function list(arg: Json, fn: string): Json[] {
  if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10)
    throw invalid(`Template error: ${fn} takes 2 to 10 conditions`);
  return arg;
}

function asString(v: unknown, fn: string): string {
  if (typeof v !== 'string') throw invalid(`Template error: ${fn} expects a string`);
  return v;
}

function stringList(v: Value, fn: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
    throw invalid(`Template error: ${fn} expects a list of strings`);
  }
  return v.map(String);
}
