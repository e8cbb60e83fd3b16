// In-memory IAM of the sandbox: OIDC providers and roles per account. STS reads it to verify web
// identity; the server's authorize() reads role policies; control routes and the CloudFormation
// engine write it.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../contract';
import { PolicyDocument, parsePolicyDocument, policiesAllow } from './policy-document';

export interface OidcProviderInput {
  /** Issuer URL; `https://` / `http://` is stripped (IAM stores providers without a scheme). */
  url: string;
  clientIdList: string[];
  thumbprintList?: string[];
  tags?: Record<string, string>;
}

export interface OidcProvider {
  arn: string;
  accountId: string;
  /** Host + path without scheme, exactly as registered (a trailing slash is significant). */
  url: string;
  clientIdList: string[];
  thumbprintList: string[];
  tags: Record<string, string>;
  createdAt: Date;
}

export interface RolePolicyInput {
  policyName: string;
  /** A JSON string or an already parsed object. */
  policyDocument: string | object;
}

export interface RoleInput {
  roleName: string;
  path?: string;
  /** Trust policy: a JSON string or an object. */
  assumeRolePolicyDocument: string | object;
  policies?: RolePolicyInput[];
  maxSessionDuration?: number;
  tags?: Record<string, string>;
  description?: string;
}

export interface RolePolicy {
  policyName: string;
  /** Canonical JSON text. */
  policyDocument: string;
  parsed: PolicyDocument;
}

export interface Role {
  arn: string;
  roleId: string;
  accountId: string;
  roleName: string;
  path: string;
  assumeRolePolicyDocument: string;
  trustPolicy: PolicyDocument;
  policies: RolePolicy[];
  maxSessionDuration: number;
  tags: Record<string, string>;
  description?: string;
  createdAt: Date;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Strips the scheme of an issuer URL the way IAM stores OIDC provider URLs. */
export function providerUrlWithoutScheme(url: string): string {
  return url.replace(/^https?:\/\//i, '');
}

/** The sandbox's IAM: providers and roles per account, in memory. */
export class IamStore {
  private readonly providers = new Map<string, OidcProvider>(); // by ARN
  private readonly roles = new Map<string, Role>(); // by `${accountId}/${lowercase name}`

  /** Registers an OIDC provider; returns its ARN. Fails with EntityAlreadyExists for a duplicate URL. */
  createOidcProvider(accountId: string, input: OidcProviderInput): string {
    checkAccount(accountId);
    const url = providerUrlWithoutScheme(input.url);
    if (!url || /\s/.test(url))
      throw new AwsError('ValidationError', `Invalid OIDC provider URL: ${input.url}`);
    if (!Array.isArray(input.clientIdList))
      throw new AwsError('ValidationError', 'clientIdList must be a list');
    const arn = `arn:aws:iam::${accountId}:oidc-provider/${url}`;
    if (this.providers.has(arn)) {
      throw new AwsError('EntityAlreadyExists', `Provider with url https://${url} already exists.`, 409);
    }
    this.providers.set(arn, {
      arn,
      accountId,
      url,
      clientIdList: [...input.clientIdList],
      thumbprintList: [...(input.thumbprintList ?? [])],
      tags: { ...(input.tags ?? {}) },
      createdAt: new Date(),
    });
    return arn;
  }

  /** Deletes a provider by ARN; NoSuchEntity if absent. */
  deleteOidcProvider(arn: string): void {
    if (!this.providers.delete(arn))
      throw new AwsError('NoSuchEntity', `OpenIDConnect provider ${arn} not found`, 404);
  }

  getOidcProvider(arn: string): OidcProvider | undefined {
    return this.providers.get(arn);
  }

  /** The provider of `accountId` whose stored URL equals `urlWithoutScheme` exactly. */
  findOidcProvider(accountId: string, urlWithoutScheme: string): OidcProvider | undefined {
    return this.providers.get(`arn:aws:iam::${accountId}:oidc-provider/${urlWithoutScheme}`);
  }

  listOidcProviders(accountId?: string): OidcProvider[] {
    return [...this.providers.values()].filter((p) => !accountId || p.accountId === accountId);
  }

  /** Creates or replaces a role (with its inline policies); returns its ARN. */
  putRole(accountId: string, input: RoleInput): string {
    checkAccount(accountId);
    if (!ROLE_NAME.test(input.roleName ?? '')) {
      throw new AwsError('ValidationError', `Invalid role name: ${String(input.roleName)}`);
    }
    const maxSessionDuration = input.maxSessionDuration ?? 3600;
    if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43200) {
      throw new AwsError('ValidationError', 'MaxSessionDuration must be between 3600 and 43200 seconds');
    }
    const path = input.path ?? '/';
    const trustPolicy = parsePolicyDocument(input.assumeRolePolicyDocument, 'AssumeRolePolicyDocument');
    const policies = (input.policies ?? []).map((p) => {
      const parsed = parsePolicyDocument(p.policyDocument, `policy ${p.policyName}`);
      return { policyName: p.policyName, policyDocument: JSON.stringify(parsed), parsed };
    });
    const key = roleKey(accountId, input.roleName);
    const existing = this.roles.get(key);
    const arn = `arn:aws:iam::${accountId}:role${path}${input.roleName}`;
    this.roles.set(key, {
      arn,
      roleId: existing?.roleId ?? `AROA${randomBytes(8).toString('hex').toUpperCase().slice(0, 17)}`,
      accountId,
      roleName: input.roleName,
      path,
      assumeRolePolicyDocument: JSON.stringify(trustPolicy),
      trustPolicy,
      policies,
      maxSessionDuration,
      tags: { ...(input.tags ?? {}) },
      description: input.description,
      createdAt: existing?.createdAt ?? new Date(),
    });
    return arn;
  }

  /** Deletes a role; NoSuchEntity if absent. */
  deleteRole(accountId: string, roleName: string): void {
    if (!this.roles.delete(roleKey(accountId, roleName))) {
      throw new AwsError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404);
    }
  }

  getRole(accountId: string, roleName: string): Role | undefined {
    return this.roles.get(roleKey(accountId, roleName));
  }

  listRoles(accountId?: string): Role[] {
    return [...this.roles.values()].filter((r) => !accountId || r.accountId === accountId);
  }

  /** Whether the role's permission policies allow `action`; a role without any policy allows everything. */
  roleAllows(role: Role, action: string): boolean {
    return (
      role.policies.length === 0 ||
      policiesAllow(
        role.policies.map((p) => p.parsed),
        action,
      )
    );
  }

  /** Forgets every provider and role. */
  reset(): void {
    this.providers.clear();
    this.roles.clear();
  }
}

function roleKey(accountId: string, roleName: string): string {
  // IAM role names are unique case-insensitively within an account.
  return `${accountId}/${roleName.toLowerCase()}`;
}

function checkAccount(accountId: string): void {
  if (!ACCOUNT_ID.test(accountId ?? ''))
    throw new AwsError('ValidationError', `Invalid account id: ${String(accountId)}`);
}
