import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, TallyError } from '@tally/common';
import type { Connection, Prisma } from '@tally/db';
import { AuditLog, ConnectionsRepository, type Actor } from '@tally/tenancy';
import { VERIFIER, type VerificationResult, type VerifierPort } from '../integrations/integration.ports';
import { toConnectionView } from './connections.dto';

/** POST …/verify: runs the verifier, persists what it found, and moves the connection's status. */
@Injectable()
export class ConnectionVerificationService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly audit: AuditLog,
    @Inject(VERIFIER) private readonly verifier: VerifierPort,
  ) {}

  async verify(actor: Actor, tenantId: string, id: string) {
    const connection = await this.connections.find(tenantId, id);
    if (!connection) throw new NotFoundError('Connection');
    const result = await this.run(connection);
    const verifiedAt = new Date();
    const updated = await this.connections.recordVerification(tenantId, id, {
      status: result.status,
      statusMessage: statusMessageOf(result),
      verification: { status: result.status, checks: result.checks } as unknown as Prisma.InputJsonValue,
      verifiedAt,
      // Only an active connection is scheduled; error and insecure ones never sync.
      nextSyncAt: result.status === 'active' ? (connection.nextSyncAt ?? verifiedAt) : null,
    });
    if (!updated) throw new NotFoundError('Connection');
    await this.audit.record(actor, {
      action: 'connection.verify',
      targetType: 'connection',
      targetId: id,
      tenantId,
      details: {
        status: result.status,
        previousStatus: connection.status,
        failedChecks: result.checks.filter((c) => !c.ok).map((c) => c.name),
      },
    });
    return {
      status: result.status,
      checks: result.checks,
      verifiedAt,
      connection: toConnectionView(updated),
    };
  }

  /** A verifier that cannot run at all (a bug, not the customer's stack) is a 502, not a status. */
  private async run(connection: Connection): Promise<VerificationResult> {
    try {
      return await this.verifier.verify(connection);
    } catch (err) {
      if (err instanceof TallyError) throw err;
      throw new TallyError('aws_error', 'Verification could not run; nothing was changed.', {
        kind: 'transient',
        remediation: 'Retry in a few minutes; if it persists, contact support with the request id.',
        cause: err,
      });
    }
  }
}

/** The first failed check, in words the customer can act on; null when active. */
function statusMessageOf(result: VerificationResult): string | null {
  if (result.status === 'active') return null;
  const failed = result.checks.find((c) => !c.ok);
  if (!failed) return `Verification ended with status ${result.status}.`;
  const message = failed.message.replace(/[.\s]+$/, '');
  return failed.remediation ? `${message}. ${failed.remediation}` : `${message}.`;
}
