import type { z } from 'zod';
import { NotFoundError } from '@tally/common';
import type { Connection, Verification } from '@tally/contract';
import { requireUuid, type CliCommand } from '../cli.command';
import { formatTable } from '../format';

/** One `connections list --json` line: the API's connection fields (timestamps serialized by JSON). */
type ConnectionLine = Pick<
  z.input<typeof Connection>,
  | 'id'
  | 'tenantId'
  | 'name'
  | 'accountId'
  | 'mode'
  | 'status'
  | 'paused'
  | 'statusMessage'
  | 'lastSyncAt'
  | 'nextSyncAt'
>;

export const connectionsList: CliCommand = {
  name: 'connections list',
  summary: 'List connections with their status (all tenants, or one)',
  usage: 'connections list [--tenant <tenantId>] [--json]',
  options: { tenant: { type: 'string' }, json: { type: 'boolean' } },
  validate: ({ values }) => void (values.tenant !== undefined && requireUuid(values.tenant, '--tenant')),
  async run(ctx, { values }, io) {
    const tenantId = typeof values.tenant === 'string' ? values.tenant : undefined;
    const rows = await ctx.prisma.connection.findMany({
      where: tenantId ? { tenantId } : {},
      orderBy: [{ tenantId: 'asc' }, { createdAt: 'asc' }],
      take: 10_000,
    });
    if (values.json) {
      for (const c of rows) {
        const json: ConnectionLine = {
          id: c.id,
          tenantId: c.tenantId,
          name: c.name,
          accountId: c.accountId,
          mode: c.mode,
          status: c.status,
          paused: c.paused,
          statusMessage: c.statusMessage,
          lastSyncAt: c.lastSyncAt,
          nextSyncAt: c.nextSyncAt,
        };
        io.out(JSON.stringify(json));
      }
      return 0;
    }
    if (!rows.length) {
      io.out(tenantId ? `tenant ${tenantId} has no connections` : 'no connections');
      return 0;
    }
    const table = rows.map((c) => ({
      id: c.id,
      tenant: c.tenantId,
      name: c.name,
      account: c.accountId,
      mode: c.mode,
      status: c.paused ? `${c.status} (paused)` : c.status,
      'last sync': c.lastSyncAt?.toISOString() ?? '-',
      'next sync': c.nextSyncAt?.toISOString() ?? '-',
      message: (c.statusMessage ?? '').slice(0, 80),
    }));
    for (const line of formatTable(table)) io.out(line);
    return 0;
  },
};

export const connectionsVerify: CliCommand = {
  name: 'connections verify',
  summary: "Verify a connection's AWS setup (assume the role, read, canary) and record the result",
  usage: 'connections verify <connectionId> [--json]',
  details:
    'Exit 0 when the connection is active; 1 when verification found a problem (status error or insecure).',
  options: { json: { type: 'boolean' } },
  positionals: ['connectionId'],
  validate: ({ positionals }) => void requireUuid(positionals[0], '<connectionId>'),
  async run(ctx, { positionals, values }, io) {
    const id = requireUuid(positionals[0], '<connectionId>');
    const found = await ctx.prisma.connection.findUnique({ where: { id }, select: { tenantId: true } });
    if (!found) throw new NotFoundError(`Connection ${id}`);
    const [
      { ConnectionVerifier, ConnectionVerifierModule },
      { ConnectionsRepository, TenancyModule, VerificationRecorder },
    ] = await Promise.all([import('@tally/aws'), import('@tally/tenancy')]);
    const app = await ctx.app([TenancyModule, ConnectionVerifierModule]);
    const connections = app.get(ConnectionsRepository);
    const connection = (await connections.find(found.tenantId, id))!;
    const result = await app.get(ConnectionVerifier).verify(connection);
    const { verifiedAt } = await app
      .get(VerificationRecorder)
      .record(null, connection, result, { via: 'cli' });
    if (values.json) {
      const json: Pick<Verification, 'status' | 'checks'> & { id: string; verifiedAt: Date } = {
        id,
        status: result.status,
        checks: result.checks,
        verifiedAt,
      };
      io.out(JSON.stringify(json));
    } else {
      io.out(`connection ${id}: ${result.status}`);
      for (const c of result.checks) {
        io.out(
          `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}${c.ok || !c.remediation ? '' : `\n       fix: ${c.remediation}`}`,
        );
      }
    }
    return result.status === 'active' ? 0 : 1;
  },
};
