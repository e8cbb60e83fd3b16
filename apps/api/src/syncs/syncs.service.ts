import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@tally/common';
import {
  AuditLog,
  ConnectionsRepository,
  SyncRunsRepository,
  type Actor,
  type PageRequest,
} from '@tally/tenancy';
import { SYNC, type SyncPort } from '../integrations/integration.ports';
import { toRunView, toTaskView } from './syncs.dto';

@Injectable()
export class SyncsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly runs: SyncRunsRepository,
    private readonly audit: AuditLog,
    @Inject(SYNC) private readonly sync: SyncPort,
  ) {}

  /**
   * Requests a manual run of an active, unpaused connection; a queued or running one is reused.
   * The port checks the connection under its row lock: 404 when missing, 409 when it cannot sync.
   */
  async request(actor: Actor, tenantId: string, connectionId: string) {
    const run = await this.sync.requestRun(tenantId, connectionId, 'manual');
    await this.audit.record(actor, {
      action: 'sync.request',
      targetType: 'sync_run',
      targetId: run.id,
      tenantId,
      details: { connectionId, status: run.status },
    });
    return toRunView(run);
  }

  async list(tenantId: string, connectionId: string, page: PageRequest) {
    if (!(await this.connections.find(tenantId, connectionId))) throw new NotFoundError('Connection');
    const result = await this.runs.listForConnection(tenantId, connectionId, page);
    return { items: result.items.map(toRunView), nextCursor: result.nextCursor };
  }

  async get(tenantId: string, runId: string) {
    const run = await this.runs.findWithTasks(tenantId, runId);
    if (!run) throw new NotFoundError('Sync run');
    return { ...toRunView(run), tasks: run.tasks.map(toTaskView) };
  }
}
