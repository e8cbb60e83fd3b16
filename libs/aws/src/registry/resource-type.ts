/** A link from one resource to another, by the target's ARN (or id when no ARN can be derived). */
export interface Relationship {
  /** CloudFormation type of the target, e.g. `AWS::EC2::VPC`. */
  type: string;
  target: string;
}

/** Where a resource was read: what the derivations may use besides the model itself. */
export interface ResourceContext {
  accountId: string;
  region: string;
  partition: string;
}

/** A Cloud Control model turned into what Tally stores. */
export interface NormalizedResource {
  identifier: string;
  region: string;
  arn: string | null;
  name: string | null;
  tags: Record<string, string>;
  relationships: Relationship[];
  /** The model exactly as Cloud Control returned it (its `Tags` included). */
  properties: Record<string, unknown>;
}

export type ResourceModel = Record<string, unknown>;

/**
 * The IAM actions Cloud Control's handlers of a type need, from the official CloudFormation resource
 * schema (`handlers.list.permissions` / `handlers.read.permissions`, service prefixes lower-cased):
 * Cloud Control calls the handlers with the caller's credentials, so Tally's role is granted these.
 */
export interface HandlerPermissions {
  /** What Cloud Control's ListResources needs for this type. */
  list: readonly string[];
  /** What Cloud Control's GetResource needs for this type. */
  read: readonly string[];
}

/**
 * How one CloudFormation resource type is collected and described. Adding a type = one object of this
 * shape in `types/` and one line in the registry.
 */
export interface ResourceTypeDefinition {
  type: string;
  /** The IAM actions its list and read handlers need (the onboarding templates grant them). */
  permissions: HandlerPermissions;
  /**
   * `region`: one ListResources per (account, region). `account`: the list handler returns the whole
   * account whatever the region called (S3); list once per account and store each resource under
   * `regionOf(model)`.
   */
  listScope: 'account' | 'region';
  /** The list handler returns partial models: each item needs a GetResource. */
  partialList: boolean;
  /** Account scope only: the region a resource lives in, when its model says so (else it is probed). */
  regionOf?(model: ResourceModel): string | undefined;
  arn(model: ResourceModel, identifier: string, ctx: ResourceContext): string | null;
  name(model: ResourceModel, identifier: string): string | null;
  relationships(model: ResourceModel, ctx: ResourceContext): Relationship[];
}

/** `[{Key, Value}]` (or an already flat map) as a `{key: value}` map; anything else gives `{}`. */
export function tagsFromModel(model: ResourceModel): Record<string, string> {
  const raw = model.Tags;
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const t of raw) {
      if (t && typeof t === 'object' && typeof (t as { Key?: unknown }).Key === 'string') {
        const { Key, Value } = t as { Key: string; Value?: unknown };
        out[Key] = Value == null ? '' : String(Value);
      }
    }
  } else if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) out[k] = v == null ? '' : String(v);
  }
  return out;
}

/** A string property, or null when absent or not a non-empty string. */
export function str(model: ResourceModel | undefined, key: string): string | null {
  const v = model?.[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** A property holding a list of strings (other items dropped). */
export function strings(model: ResourceModel | undefined, key: string): string[] {
  const v = model?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
}

/** An EC2 ARN for an id such as `vpc-…`, `subnet-…`, `sg-…`. */
export function ec2Arn(ctx: ResourceContext, kind: string, id: string): string {
  return `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:${kind}/${id}`;
}

/** Drops repeated (type, target) pairs, keeping the first. */
export function uniqueRelationships(list: Relationship[]): Relationship[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = `${r.type}\u0000${r.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
