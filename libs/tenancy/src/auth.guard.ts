import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotFoundError } from '@tally/common';
import { bearerKey, digestsEqual, hashApiKey } from './api-key';
import { ApiKeysRepository } from './api-keys.repository';
import { canAccessTenant, type Principal } from './principal';
import { RateLimiter } from './rate-limiter';
import { TenantsRepository } from './tenants.repository';
import { RateLimitedError, UnauthorizedError } from './tenancy.errors';

/** The request as the guards leave it. */
export type AuthedRequest = Request & { principal?: Principal; id?: string | number };

/** Authenticates `Authorization: Bearer <key>` and attaches the principal to the request. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeysRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const key = bearerKey(req.headers.authorization);
    if (!key) throw new UnauthorizedError('Missing or malformed API key.');
    const hash = hashApiKey(key);
    const found = await this.keys.findByHash(hash);
    if (!found || !digestsEqual(found.hash, hash)) throw new UnauthorizedError('Invalid API key.');
    if (found.revokedAt) throw new UnauthorizedError('This API key was revoked.');
    if (found.expiresAt && found.expiresAt <= new Date())
      throw new UnauthorizedError('This API key has expired.');
    req.principal = { keyId: found.id, role: found.role, tenantId: found.tenantId ?? undefined };
    if (this.keys.isStale(found)) await this.keys.touch(found.id);
    return true;
  }
}

/** Counts the request against its key's per-minute budget; runs after ApiKeyGuard. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthedRequest>().principal;
    if (!principal) throw new UnauthorizedError('Missing or malformed API key.');
    const decision = await this.limiter.consume(principal.keyId);
    const res = http.getResponse<Response>();
    res.setHeader('RateLimit-Limit', String(decision.limit));
    res.setHeader('RateLimit-Remaining', String(decision.remaining));
    res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) throw new RateLimitedError(decision.resetSeconds, decision.limit);
    return true;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves the `:tenantId` route parameter: a tenant the principal may not reach, a malformed id
 * and a missing tenant all answer the same 404, so nothing leaks whether another tenant exists.
 */
@Injectable()
export class TenantAccessGuard implements CanActivate {
  constructor(private readonly tenants: TenantsRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const tenantId = req.params?.tenantId;
    if (tenantId === undefined) return true;
    const principal = req.principal;
    if (!principal) throw new UnauthorizedError('Missing or malformed API key.');
    if (typeof tenantId !== 'string' || !UUID.test(tenantId) || !canAccessTenant(principal, tenantId)) {
      throw new NotFoundError('Tenant');
    }
    if (!(await this.tenants.findById(tenantId))) throw new NotFoundError('Tenant');
    return true;
  }
}
