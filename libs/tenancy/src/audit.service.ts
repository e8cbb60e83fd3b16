import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@tally/db';
import type { Actor } from './principal';

export interface AuditEntry {
  /** `<resource>.<verb>`, e.g. `connection.create`. */
  action: string;
  targetType: string;
  targetId?: string;
  /** The tenant the change belongs to (absent for admin-wide actions). */
  tenantId?: string;
  /** What changed, never a secret: sensitive-looking fields are dropped. */
  details?: Record<string, unknown>;
}

const SENSITIVE = /^(key|apikey|secret|token|password|authorization|credentials?)$/i;

/** Drops anything that looks like a secret, at any depth. */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !SENSITIVE.test(k))
        .map(([k, v]) => [k, scrub(v)]),
    );
  }
  return value;
}

/** The audit trail: one AuditEvent per state-changing call (who, what, target, request). */
@Injectable()
export class AuditLog {
  constructor(private readonly prisma: PrismaService) {}

  /** Records one event; `actor` is null for the system itself (e.g. the bootstrap). */
  async record(actor: Actor | null, entry: AuditEntry): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        tenantId: entry.tenantId ?? null,
        actorKeyId: actor?.principal.keyId ?? null,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        details: scrub(entry.details ?? {}) as Prisma.InputJsonValue,
        requestId: actor?.requestId?.slice(0, 100) ?? null,
      },
    });
  }

  /** A tenant's events, newest first (for tests and support). */
  listForTenant(tenantId: string, take = 100) {
    return this.prisma.auditEvent.findMany({ where: { tenantId }, orderBy: { at: 'desc' }, take });
  }
}
