// Control endpoints to register OIDC providers and roles directly (without a stack).
import { z } from 'zod';
import { AwsError, ControlRoutes } from '../contract';
import type { IamStore, OidcProvider, Role } from './iam.store';

const policyDoc = z.union([z.string(), z.record(z.string(), z.unknown())]);
const providerBody = z.object({
  accountId: z.string(),
  url: z.string().min(1),
  clientIdList: z.array(z.string()),
  thumbprintList: z.array(z.string()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
const roleBody = z.object({
  accountId: z.string(),
  roleName: z.string(),
  path: z.string().optional(),
  trustPolicy: policyDoc,
  policies: z.array(z.object({ policyName: z.string(), policyDocument: policyDoc })).optional(),
  maxSessionDuration: z.number().int().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

/** `/_sandbox/iam/oidc-providers` and `/_sandbox/iam/roles` (POST, GET, DELETE). */
export function iamRoutes(iam: IamStore): ControlRoutes {
  return {
    'POST /_sandbox/iam/oidc-providers': async (body) => {
      const b = parse(providerBody, body);
      return { arn: iam.createOidcProvider(b.accountId, b) };
    },
    'GET /_sandbox/iam/oidc-providers': async (_b, q) => ({
      providers: iam.listOidcProviders(q.get('accountId') ?? undefined).map(providerView),
    }),
    'DELETE /_sandbox/iam/oidc-providers': async (body, q) => {
      const arn = q.get('arn') ?? (body as { arn?: string } | undefined)?.arn;
      if (!arn) throw new AwsError('ValidationError', 'arn is required');
      iam.deleteOidcProvider(arn);
      return { deleted: arn };
    },
    'POST /_sandbox/iam/roles': async (body) => {
      const b = parse(roleBody, body);
      const arn = iam.putRole(b.accountId, {
        roleName: b.roleName,
        path: b.path,
        assumeRolePolicyDocument: b.trustPolicy,
        policies: b.policies,
        maxSessionDuration: b.maxSessionDuration,
        tags: b.tags,
      });
      return { arn };
    },
    'GET /_sandbox/iam/roles': async (_b, q) => ({
      roles: iam.listRoles(q.get('accountId') ?? undefined).map(roleView),
    }),
    'DELETE /_sandbox/iam/roles': async (body, q) => {
      const b = (body ?? {}) as { accountId?: string; roleName?: string };
      const accountId = q.get('accountId') ?? b.accountId;
      const roleName = q.get('roleName') ?? b.roleName;
      if (!accountId || !roleName)
        throw new AwsError('ValidationError', 'accountId and roleName are required');
      iam.deleteRole(accountId, roleName);
      return { deleted: `${accountId}/${roleName}` };
    },
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new AwsError('ValidationError', z.prettifyError(r.error));
  return r.data;
}

function providerView(p: OidcProvider) {
  return {
    arn: p.arn,
    accountId: p.accountId,
    url: p.url,
    clientIdList: p.clientIdList,
    thumbprintList: p.thumbprintList,
    tags: p.tags,
  };
}

/** A role as JSON: documents as parsed objects. */
function roleView(r: Role) {
  return {
    arn: r.arn,
    roleId: r.roleId,
    accountId: r.accountId,
    roleName: r.roleName,
    path: r.path,
    trustPolicy: r.trustPolicy,
    policies: r.policies.map((p) => ({ policyName: p.policyName, policyDocument: p.parsed })),
    maxSessionDuration: r.maxSessionDuration,
    tags: r.tags,
    createdAt: r.createdAt.toISOString(),
  };
}
