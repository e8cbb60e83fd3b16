// Evaluates a role's trust policy for AssumeRoleWithWebIdentity: Principal.Federated must name the
// provider, the action must be covered, and every condition must hold (AND across operators and
// keys, OR across values; statements OR'ed; an explicit Deny wins).
import {
  PolicyDocument,
  PolicyStatement,
  conditionHolds,
  statementCoversAction,
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

export { conditionHolds };
