import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, TallyError } from '@tally/common';
import type { Connection } from '@tally/db';
import { ConnectionsRepository, VerificationRecorder, type Actor } from '@tally/tenancy';
import { VERIFIER, type VerificationResult, type VerifierPort } from '../integrations/integration.ports';
import { toConnectionView } from './connections.dto';

/** POST …/verify: runs the verifier, persists what it found, and moves the connection's status. */
@Injectable()
export class ConnectionVerificationService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly recorder: VerificationRecorder,
    @Inject(VERIFIER) private readonly verifier: VerifierPort,
  ) {}

  async verify(actor: Actor, tenantId: string, id: string) {
    const connection = await this.connections.find(tenantId, id);
    if (!connection) throw new NotFoundError('Connection');
    const result = await this.run(connection);
    const { updated, verifiedAt } = await this.recorder.record(actor, connection, result);
    if (!updated) throw new NotFoundError('Connection');
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
