// Evaluates a role's trust policy for AssumeRoleWithWebIdentity: Principal.Federated must name the
// provider, the action must be covered, and every condition must hold (AND across operators and
// keys, OR across values; statements OR'ed; an explicit Deny wins).
import {
  PolicyDocument,
  PolicyStatement,
  statementCoversAction,
  wildcardMatch,
} from '../iam/policy-document';

export interface WebIdentityRequestContext {
  providerArn: string;
  /** The provider URL without scheme: the prefix of the `:aud` / `:sub` condition keys. */
  providerUrl: string;
  /** The token audiences accepted by the provider (the `:aud` context key values). */
  aud: string[];
  sub: string;
}

const ACTION = 'sts:AssumeRoleWithWebIdentity';

/** Whether the trust policy lets this web identity assume the role. */
export function trustPolicyAllows(doc: PolicyDocument, req: WebIdentityRequestContext): boolean {
  const context = new Map<string, string[]>([
    [`${req.providerUrl}:aud`.toLowerCase(), req.aud],
    [`${req.providerUrl}:sub`.toLowerCase(), [req.sub]],
  ]);
  let allowed = false;
  for (const s of doc.Statement) {
    if (!appliesTo(s, req.providerArn) || !conditionsHold(s, context)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

function appliesTo(s: PolicyStatement, providerArn: string): boolean {
  if (!statementCoversAction(s, ACTION)) return false;
  if (s.Principal === '*') return true;
  return s.Principal?.Federated?.includes(providerArn) ?? false;
}

function conditionsHold(s: PolicyStatement, context: Map<string, string[]>): boolean {
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, context.get(key.toLowerCase()), values)) return false;
    }
  }
  return true;
}

type Matcher = (pattern: string, value: string) => boolean;
const OPERATORS: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: (p, v) => p === v, negated: false },
  StringNotEquals: { match: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { match: (p, v) => wildcardMatch(p, v), negated: false },
  StringNotLike: { match: (p, v) => wildcardMatch(p, v), negated: true },
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
