import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@tally/common';
import type { Connection } from '@tally/db';
import { AuditLog, ConnectionsRepository, type Actor, type Page, type PageRequest } from '@tally/tenancy';
import { ONBOARDING, type OnboardingPort } from '../integrations/integration.ports';
import { RESOURCE_TYPES, type CreateConnection, type UpdateConnection } from '@tally/contract';
import { toConnectionView, type ConnectionView } from './connections.dto';

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly audit: AuditLog,
    @Inject(ONBOARDING) private readonly onboarding: OnboardingPort,
  ) {}

  /** Stores the connection (pending until verified) and answers with its onboarding block. */
  async create(actor: Actor, tenantId: string, input: CreateConnection) {
    const connection = await this.connections.create(tenantId, {
      ...input,
      // Omitted types mean "every supported type", stored explicitly so the pipeline reads no magic.
      resourceTypes: input.resourceTypes ?? [...RESOURCE_TYPES],
      status: 'pending',
    });
    await this.audit.record(actor, {
      action: 'connection.create',
      targetType: 'connection',
      targetId: connection.id,
      tenantId,
      details: {
        name: connection.name,
        accountId: connection.accountId,
        mode: connection.mode,
        regions: connection.regions,
      },
    });
    return this.withOnboarding(connection);
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ConnectionView>> {
    const result = await this.connections.list(tenantId, page);
    return { items: result.items.map(toConnectionView), nextCursor: result.nextCursor };
  }

  async get(tenantId: string, id: string) {
    return this.withOnboarding(await this.require(tenantId, id));
  }

  /** Renames, re-scopes, re-times, pauses or resumes. Resuming an active connection schedules it now. */
  async update(actor: Actor, tenantId: string, id: string, input: UpdateConnection): Promise<ConnectionView> {
    const before = await this.require(tenantId, id);
    const updated = await this.connections.update(tenantId, id, {
      ...input,
      ...this.reschedule(before, input),
    });
    if (!updated) throw new NotFoundError('Connection');
    await this.audit.record(actor, {
      action: 'connection.update',
      targetType: 'connection',
      targetId: id,
      tenantId,
      details: { changes: input },
    });
    return toConnectionView(updated);
  }

  /**
   * Deletes the connection and its whole inventory. The caller confirms by repeating the
   * connection's name (`?confirm=<name>`), so a stray DELETE cannot wipe an inventory.
   */
  async remove(actor: Actor, tenantId: string, id: string, confirm: string | undefined): Promise<void> {
    const connection = await this.require(tenantId, id);
    if (confirm === undefined) {
      throw new ValidationError(
        [
          {
            field: 'confirm',
            message: "is required: repeat the connection's name to delete it with its inventory",
          },
        ],
        'Deleting a connection also deletes its inventory and needs confirmation.',
      );
    }
    if (confirm !== connection.name) {
      throw new ValidationError(
        [{ field: 'confirm', message: "does not match the connection's name" }],
        'The confirmation does not match.',
      );
    }
    const deleted = await this.connections.deleteWithInventory(tenantId, id);
    if (!deleted) throw new NotFoundError('Connection');
    await this.audit.record(actor, {
      action: 'connection.delete',
      targetType: 'connection',
      targetId: id,
      tenantId,
      details: {
        name: connection.name,
        accountId: connection.accountId,
        resourcesDeleted: deleted.resources,
      },
    });
  }

  /** The CloudFormation template (YAML) for the connection's mode with its parameters filled in. */
  async template(tenantId: string, id: string): Promise<string> {
    return this.onboarding.template(await this.require(tenantId, id));
  }

  /** Resuming an active connection syncs it now; a new interval counts from the last sync. */
  private reschedule(before: Connection, input: UpdateConnection): { nextSyncAt?: Date } {
    if (before.status !== 'active') return {};
    const now = Date.now();
    if (input.paused === false && before.paused) return { nextSyncAt: new Date(now) };
    if (input.syncIntervalMinutes && input.syncIntervalMinutes !== before.syncIntervalMinutes) {
      const from = before.lastSyncAt?.getTime() ?? now;
      return { nextSyncAt: new Date(Math.max(now, from + input.syncIntervalMinutes * 60_000)) };
    }
    return {};
  }

  async require(tenantId: string, id: string): Promise<Connection> {
    const connection = await this.connections.find(tenantId, id);
    if (!connection) throw new NotFoundError('Connection');
    return connection;
  }

  private withOnboarding(connection: Connection) {
    return { ...toConnectionView(connection), onboarding: this.onboarding.block(connection) };
  }
}
