export type Role = 'admin' | 'tenant';

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  keyId: string;
  role: Role;
  /** Set for tenant keys: the only tenant they reach. */
  tenantId?: string;
}

/** Who did something, for the audit log: the principal and the request it came with. */
export interface Actor {
  principal: Principal;
  requestId?: string;
}

/** True when the principal may act on the tenant: admins everywhere, tenant keys at home. */
export function canAccessTenant(principal: Principal, tenantId: string): boolean {
  return principal.role === 'admin' || principal.tenantId === tenantId;
}
