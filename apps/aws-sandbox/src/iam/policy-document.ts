// IAM policy documents: parsing into one normalized shape (every list an array) and the wildcard
// matching IAM uses for actions and StringLike conditions.
import { AwsError } from '../contract';

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  Sid?: string;
  Effect: Effect;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  /** `"*"` or `{ Federated: [...], AWS: [...], Service: [...] }`. */
  Principal?: '*' | Record<string, string[]>;
  /** operator → condition key → values. */
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/** Parses a policy (JSON text or object) into the normalized shape; MalformedPolicyDocument if it is not one. */
export function parsePolicyDocument(doc: string | object, what: string): PolicyDocument {
  let raw: unknown = doc;
  if (typeof doc === 'string') {
    try {
      raw = JSON.parse(doc);
    } catch {
      throw malformed(`${what} is not valid JSON`);
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw malformed(`${what} must be a JSON object`);
  const { Version, Statement } = raw as { Version?: unknown; Statement?: unknown };
  if (Statement === undefined) throw malformed(`${what} has no Statement`);
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  return {
    ...(typeof Version === 'string' ? { Version } : {}),
    Statement: statements.map((s, i) => parseStatement(s, `${what} statement ${i}`)),
  };
}

function parseStatement(s: unknown, what: string): PolicyStatement {
  if (!s || typeof s !== 'object') throw malformed(`${what} must be an object`);
  const r = s as Record<string, unknown>;
  if (r.Effect !== 'Allow' && r.Effect !== 'Deny') throw malformed(`${what}: Effect must be Allow or Deny`);
  const out: PolicyStatement = { Effect: r.Effect };
  if (typeof r.Sid === 'string') out.Sid = r.Sid;
  for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (r[k] !== undefined) out[k] = stringList(r[k], `${what}: ${k}`);
  }
  if (!out.Action && !out.NotAction) throw malformed(`${what}: Action or NotAction is required`);
  if (r.Principal !== undefined) out.Principal = parsePrincipal(r.Principal, what);
  if (r.Condition !== undefined) out.Condition = parseCondition(r.Condition, what);
  return out;
}

function parsePrincipal(p: unknown, what: string): '*' | Record<string, string[]> {
  if (p === '*') return '*';
  if (!p || typeof p !== 'object' || Array.isArray(p))
    throw malformed(`${what}: Principal must be "*" or an object`);
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, stringList(v, `${what}: Principal.${k}`)]));
}

function parseCondition(c: unknown, what: string): Record<string, Record<string, string[]>> {
  if (!c || typeof c !== 'object' || Array.isArray(c))
    throw malformed(`${what}: Condition must be an object`);
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, block] of Object.entries(c)) {
    if (!block || typeof block !== 'object' || Array.isArray(block))
      throw malformed(`${what}: Condition.${op} must be an object`);
    out[op] = Object.fromEntries(
      Object.entries(block).map(([k, v]) => [k, stringList(v, `${what}: Condition.${op}.${k}`, true)]),
    );
  }
  return out;
}

function stringList(v: unknown, what: string, allowScalars = false): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x === 'string') return x;
    if (allowScalars && (typeof x === 'number' || typeof x === 'boolean')) return String(x);
    throw malformed(`${what} must be a string or a list of strings`);
  });
}

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message);
}

const globCache = new Map<string, RegExp>();

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return caseInsensitive ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    if (globCache.size > 5000) globCache.clear();
    globCache.set(key, re);
  }
  return re.test(value);
}

/** Whether a statement's Action / NotAction covers `action` (actions match case-insensitively). */
export function statementCoversAction(s: PolicyStatement, action: string): boolean {
  if (s.Action) return s.Action.some((p) => wildcardMatch(p, action, true));
  if (s.NotAction) return !s.NotAction.some((p) => wildcardMatch(p, action, true));
  return false;
}

/**
 * Evaluates identity policies for one action (resources and conditions are not modelled): an
 * explicit Deny wins, otherwise an Allow is needed.
 */
export function policiesAllow(policies: PolicyDocument[], action: string): boolean {
  let allowed = false;
  for (const doc of policies) {
    for (const s of doc.Statement) {
      if (!statementCoversAction(s, action)) continue;
      if (s.Effect === 'Deny') return false;
      allowed = true;
    }
  }
  return allowed;
}

type Matcher = (pattern: string, value: string) => boolean;
const OPERATORS: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: (p, v) => p === v, negated: false },
  StringNotEquals: { match: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { match: (p, v) => wildcardMatch(p, v), negated: false },
  StringNotLike: { match: (p, v) => wildcardMatch(p, v), negated: true },
  ArnEquals: { match: (p, v) => wildcardMatch(p, v), negated: false },
  ArnLike: { match: (p, v) => wildcardMatch(p, v), negated: false },
  ArnNotEquals: { match: (p, v) => wildcardMatch(p, v), negated: true },
  ArnNotLike: { match: (p, v) => wildcardMatch(p, v), negated: true },
  Bool: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

/** One operator on one key. Unsupported operators (incl. ForAnyValue:/ForAllValues:) never hold. */
export function conditionHolds(
  operator: string,
  contextValues: string[] | undefined,
  policyValues: string[],
): boolean {
  const ifExists = operator.endsWith('IfExists');
  const op = OPERATORS[ifExists ? operator.slice(0, -'IfExists'.length) : operator];
  if (!op) return false;
  if (!contextValues || contextValues.length === 0) return ifExists || op.negated;
  const anyMatch = contextValues.some((v) => policyValues.some((p) => op.match(p, v)));
  return op.negated ? !anyMatch : anyMatch;
}
