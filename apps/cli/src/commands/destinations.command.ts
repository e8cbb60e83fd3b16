import type { z } from 'zod';
import { NotFoundError } from '@tally/common';
import { ReplayDestination, type Destination, type DestinationTestResult } from '@tally/contract';
import type { CliContext } from '../cli.context';
import { requireUuid, UsageError, type CliCommand } from '../cli.command';
import { formatTable } from '../format';

/** One `destinations list --json` line: the API's destination (timestamps serialized by JSON). */
type DestinationLine = z.input<typeof Destination> & { tenantId: string };

/** The destinations service and the audit log (the delivery module needs the metrics it records to). */
async function destinationsService(ctx: CliContext) {
  const [{ DeliveryModule, DestinationsService }, { MetricsModule }, { AuditLog, TenancyModule }] =
    await Promise.all([import('@tally/delivery'), import('@tally/metrics'), import('@tally/tenancy')]);
  const app = await ctx.app([MetricsModule, TenancyModule, DeliveryModule]);
  return { destinations: app.get(DestinationsService), audit: app.get(AuditLog) };
}

/** The tenant of a destination (the CLI is given only its id). */
async function tenantOf(ctx: CliContext, id: string): Promise<string> {
  const found = await ctx.prisma.destination.findUnique({ where: { id }, select: { tenantId: true } });
  if (!found) throw new NotFoundError(`Destination ${id}`);
  return found.tenantId;
}

export const destinationsList: CliCommand = {
  name: 'destinations list',
  summary: 'List destinations with status, lag and last error (all tenants, or one)',
  usage: 'destinations list [--tenant <tenantId>] [--json]',
  options: { tenant: { type: 'string' }, json: { type: 'boolean' } },
  validate: ({ values }) => void (values.tenant !== undefined && requireUuid(values.tenant, '--tenant')),
  async run(ctx, { values }, io) {
    const only = typeof values.tenant === 'string' ? values.tenant : undefined;
    const tenants = only
      ? [only]
      : (
          await ctx.prisma.destination.findMany({
            distinct: ['tenantId'],
            select: { tenantId: true },
            orderBy: { tenantId: 'asc' },
          })
        ).map((d) => d.tenantId);
    const { destinations } = await destinationsService(ctx);
    const rows: DestinationLine[] = [];
    for (const tenantId of tenants) {
      let cursor: string | undefined;
      do {
        const page = await destinations.listDestinations(tenantId, { limit: 500, cursor });
        rows.push(...page.items.map((d) => ({ tenantId, ...d, kind: d.kind as Destination['kind'] })));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    if (values.json) {
      for (const d of rows) io.out(JSON.stringify(d));
      return 0;
    }
    if (!rows.length) {
      io.out(only ? `tenant ${only} has no destinations` : 'no destinations');
      return 0;
    }
    const table = rows.map((d) => ({
      id: d.id,
      tenant: d.tenantId,
      name: d.name,
      kind: d.kind,
      status: d.status,
      lag: `${d.lag.changes} changes, ${d.lag.seconds} s`,
      delivered: String(d.delivered),
      'last success': d.lastSuccessAt?.toISOString() ?? '-',
      'last error': (d.lastError ?? '').slice(0, 80),
    }));
    for (const line of formatTable(table)) io.out(line);
    return 0;
  },
};

export const destinationsTest: CliCommand = {
  name: 'destinations test',
  summary: 'Send one test message to a destination now and print the outcome',
  usage: 'destinations test <destinationId> [--json]',
  details: 'Exit 0 when the destination accepted the message, 1 when it did not (the reason is printed).',
  options: { json: { type: 'boolean' } },
  positionals: ['destinationId'],
  validate: ({ positionals }) => void requireUuid(positionals[0], '<destinationId>'),
  async run(ctx, { positionals, values }, io) {
    const id = requireUuid(positionals[0], '<destinationId>');
    const tenantId = await tenantOf(ctx, id);
    const { destinations } = await destinationsService(ctx);
    const result: DestinationTestResult = await destinations.test(tenantId, id);
    if (values.json) io.out(JSON.stringify(result));
    else if (result.ok) io.out(`destination ${id} accepted the test message (${result.durationMs} ms)`);
    else io.out(`destination ${id} did not accept the test message: ${result.error}`);
    return result.ok ? 0 : 1;
  },
};

export const destinationsReplay: CliCommand = {
  name: 'destinations replay',
  summary: 'Re-send changes to a destination from a cursor or a time (resumes a paused one)',
  usage: 'destinations replay <destinationId> (--after <cursor> | --since <time>)',
  details:
    '--after takes a change cursor (from GET …/changes or a delivery); --since an ISO 8601 time such as\n' +
    '2026-11-24T10:00:00Z. Delivery restarts right after that point; at least once, so receivers may\n' +
    'see changes again.',
  options: { after: { type: 'string' }, since: { type: 'string' } },
  positionals: ['destinationId'],
  validate({ positionals, values }) {
    requireUuid(positionals[0], '<destinationId>');
    replayFrom(values);
  },
  async run(ctx, { positionals, values }, io) {
    const id = requireUuid(positionals[0], '<destinationId>');
    const from = replayFrom(values);
    const tenantId = await tenantOf(ctx, id);
    const { destinations, audit } = await destinationsService(ctx);
    const view = await destinations.replay(tenantId, id, from);
    await audit.record(null, {
      action: 'destination.replay',
      targetType: 'destination',
      targetId: id,
      tenantId,
      details: { after: from.after, since: from.since, via: 'cli' },
    });
    io.out(
      `destination ${id} replays from ${view.cursor} (${view.lag.changes} changes to send, status ${view.status})`,
    );
    return 0;
  },
};

/** `--after` or `--since`, checked by the API's own replay schema. */
function replayFrom(values: Record<string, string | boolean | undefined>): ReplayDestination {
  const parsed = ReplayDestination.safeParse({
    ...(values.after !== undefined ? { after: values.after } : {}),
    ...(values.since !== undefined ? { since: values.since } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? 'after');
    throw new UsageError(
      issue.code === 'custom'
        ? 'give either --after <cursor> or --since <time>'
        : `--${field} ${issue.message}`,
    );
  }
  return parsed.data;
}
