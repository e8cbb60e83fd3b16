import { Injectable } from '@nestjs/common';
import type { Connection, Prisma } from '@tally/db';
import { AuditLog } from './audit.service';
import { ConnectionsRepository } from './connections.repository';
import type { Actor } from './principal';

/** What a verification found (the shape of libs/aws's ConnectionVerifier result). */
export interface VerificationFindings {
  status: 'active' | 'error' | 'insecure';
  checks: { name: string; ok: boolean; message: string; remediation?: string | null }[];
}

/**
 * Persists a verification's outcome and audits it: the one rule for what a verification changes,
 * shared by the api (POST …/verify) and the CLI (connections verify).
 */
@Injectable()
export class VerificationRecorder {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly audit: AuditLog,
  ) {}

  async record(
    actor: Actor | null,
    connection: Connection,
    result: VerificationFindings,
    auditDetails: Record<string, unknown> = {},
  ): Promise<{ updated: Connection | null; verifiedAt: Date }> {
    const verifiedAt = new Date();
    const updated = await this.connections.recordVerification(connection.tenantId, connection.id, {
      status: result.status,
      statusMessage: verificationStatusMessage(result),
      verification: { status: result.status, checks: result.checks } as unknown as Prisma.InputJsonValue,
      verifiedAt,
      // Only an active connection is scheduled; error and insecure ones never sync.
      nextSyncAt: result.status === 'active' ? (connection.nextSyncAt ?? verifiedAt) : null,
    });
    if (updated) {
      await this.audit.record(actor, {
        action: 'connection.verify',
        targetType: 'connection',
        targetId: connection.id,
        tenantId: connection.tenantId,
        details: {
          status: result.status,
          previousStatus: connection.status,
          failedChecks: result.checks.filter((c) => !c.ok).map((c) => c.name),
          ...auditDetails,
        },
      });
    }
    return { updated, verifiedAt };
  }
}

/** The first failed check, in words the customer can act on; null when active. */
function verificationStatusMessage(result: VerificationFindings): string | null {
  if (result.status === 'active') return null;
  const failed = result.checks.find((c) => !c.ok);
  if (!failed) return `Verification ended with status ${result.status}.`;
  const message = failed.message.replace(/[.\s]+$/, '');
  return failed.remediation ? `${message}. ${failed.remediation}` : `${message}.`;
}
