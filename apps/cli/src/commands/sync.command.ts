import { NotFoundError } from '@tally/common';
import { EXIT, requireUuid, UsageError, withTimeout, type CliCommand } from '../cli.command';
import type { CliContext } from '../cli.context';
import { FINAL, ProgressView, readRun, readTaskEvents } from '../sync-progress';

const POLL_MS = 300;
const NO_WORKER_WARNING_MS = 10_000;

export const sync: CliCommand = {
  name: 'sync',
  summary: 'Trigger a sync of a connection (or join the running one) and optionally follow it',
  usage: 'sync <connectionId> [--follow] [--timeout <seconds>]',
  details:
    'With --follow: a live progress bar on a terminal (tasks done/total, resources so far, errors as they\n' +
    'happen); plain "progress ..." / "error ..." lines when stdout is not a terminal.\n' +
    'Exit codes with --follow: 0 succeeded, 1 failed, 3 partial (some tasks failed), 4 --timeout reached\n' +
    '(the run goes on). Without --follow: 0 once the run is queued.',
  options: { follow: { type: 'boolean', short: 'f' }, timeout: { type: 'string' } },
  positionals: ['connectionId'],
  validate({ positionals, values }) {
    requireUuid(positionals[0], '<connectionId>');
    if (values.timeout !== undefined && !(Number(values.timeout) > 0))
      throw new UsageError('--timeout must be a positive number of seconds');
  },
  async run(ctx, { positionals, values }, io) {
    const connectionId = requireUuid(positionals[0], '<connectionId>');
    const found = await ctx.prisma.connection.findUnique({
      where: { id: connectionId },
      select: { tenantId: true },
    });
    if (!found) throw new NotFoundError(`Connection ${connectionId}`);
    const { SyncRunsModule, SyncRunsService } = await import('@tally/sync');
    const app = await ctx.app([SyncRunsModule]);
    const run = await withTimeout(
      app.get(SyncRunsService).requestRun(found.tenantId, connectionId, 'manual'),
      10_000,
      'Redis at REDIS_URL',
    );
    // requestRun returns the connection's queued/running run when there is one: never two at once.
    io.out(
      `run ${run.id} ${run.status} (connection ${connectionId}, requested ${run.createdAt.toISOString()})`,
    );
    if (!values.follow) return EXIT.ok;
    return follow(
      ctx,
      found.tenantId,
      run.id,
      io,
      values.timeout ? Number(values.timeout) * 1000 : undefined,
    );
  },
};

async function follow(
  ctx: CliContext,
  tenantId: string,
  runId: string,
  io: Parameters<CliCommand['run']>[2],
  timeoutMs?: number,
): Promise<number> {
  const view = new ProgressView(io);
  const seen = new Set<string>();
  const started = Date.now();
  let errors = 0;
  let warned = false;
  for (;;) {
    const [snapshot, events] = await Promise.all([
      readRun(ctx.prisma, tenantId, runId),
      readTaskEvents(ctx.prisma, tenantId, runId, seen),
    ]);
    for (const e of events) {
      if (e.kind === 'error') errors++;
      view.event(e);
    }
    if (FINAL.has(snapshot.status)) {
      view.finish(runId, snapshot);
      return snapshot.status === 'succeeded'
        ? EXIT.ok
        : snapshot.status === 'partial'
          ? EXIT.partial
          : EXIT.failed;
    }
    view.update(snapshot, errors);
    if (!warned && snapshot.status === 'queued' && Date.now() - started > NO_WORKER_WARNING_MS) {
      warned = true;
      const { JobQueueService, QUEUES } = await import('@tally/jobs');
      const workers = await withTimeout(
        (await ctx.app()).get(JobQueueService).queue(QUEUES.sync).getWorkersCount(),
        5000,
        'Redis at REDIS_URL',
      );
      if (!workers)
        view.note(
          `warning: no worker is consuming queue "${QUEUES.sync}" (prefix ${ctx.config.REDIS_PREFIX}): start one with npm run start:worker`,
        );
    }
    if (timeoutMs !== undefined && Date.now() - started > timeoutMs) {
      view.note(`gave up following after ${timeoutMs / 1000} s; run ${runId} is still ${snapshot.status}`);
      return EXIT.timeout;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
