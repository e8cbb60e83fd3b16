// Access decisions with resources and conditions: identity policies (a role's inline policies) and
// resource policies (queue policies, event bus policies) combined the way IAM does: an explicit Deny
// wins; within one account either policy may allow; across accounts both must.
import {
  conditionHolds,
  statementCoversAction,
  wildcardMatch,
  type PolicyDocument,
  type PolicyStatement,
} from './policy-document';

export type Decision = 'allow' | 'deny' | 'none';

/** Condition keys (`aws:SourceArn`, `aws:PrincipalOrgID`…) → values; keys are matched case-insensitively. */
export type ConditionContext = Record<string, string | string[] | undefined>;

/** Who asks, as a resource policy's `Principal` sees it. */
export type RequestPrincipal =
  { kind: 'aws'; accountId: string; arns: string[] } | { kind: 'service'; service: string };

export interface AccessRequest {
  action: string;
  /** The resource ARN. */
  resource: string;
  context?: ConditionContext;
}

/** The decision of a set of policies (identity policies: no Principal) for one request. */
export function evaluatePolicies(
  docs: PolicyDocument[],
  req: AccessRequest,
  principal?: RequestPrincipal,
): Decision {
  const context = lowerKeys(req.context ?? {});
  let decision: Decision = 'none';
  for (const doc of docs) {
    for (const s of doc.Statement) {
      if (!statementCoversAction(s, req.action) || !coversResource(s, req.resource)) continue;
      if (principal && !principalMatches(s, principal)) continue;
      if (!conditionsHold(s, context)) continue;
      if (s.Effect === 'Deny') return 'deny';
      decision = 'allow';
    }
  }
  return decision;
}

/**
 * Combines an identity decision and a resource-policy decision. `sameAccount`: the caller is in the
 * resource's account (either may allow); otherwise both must.
 */
export function combineDecisions(identity: Decision, resource: Decision, sameAccount: boolean): boolean {
  if (identity === 'deny' || resource === 'deny') return false;
  if (sameAccount) return identity === 'allow' || resource === 'allow';
  return identity === 'allow' && resource === 'allow';
}

/** The account of an ARN (`arn:aws:sqs:us-east-1:123456789012:q` → `123456789012`). */
export function arnAccount(arn: string): string {
  return arn.split(':')[4] ?? '';
}

function coversResource(s: PolicyStatement, resource: string): boolean {
  if (s.Resource) return s.Resource.some((p) => wildcardMatch(p, resource));
  if (s.NotResource) return !s.NotResource.some((p) => wildcardMatch(p, resource));
  return true; // resource policies may omit Resource (it is the resource itself)
}

function principalMatches(s: PolicyStatement, who: RequestPrincipal): boolean {
  if (s.Principal === undefined) return false;
  if (s.Principal === '*') return true;
  if (who.kind === 'service') return s.Principal.Service?.includes(who.service) ?? false;
  return (s.Principal.AWS ?? []).some(
    (p) =>
      p === '*' || p === who.accountId || p === `arn:aws:iam::${who.accountId}:root` || who.arns.includes(p),
  );
}

function conditionsHold(s: PolicyStatement, context: Map<string, string[]>): boolean {
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, context.get(key.toLowerCase()), values)) return false;
    }
  }
  return true;
}

function lowerKeys(context: ConditionContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(context)) {
    if (v !== undefined) out.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  }
  return out;
}
