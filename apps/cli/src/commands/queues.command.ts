import { withTimeout, type CliCommand } from '../cli.command';
import { formatTable } from '../format';

export const queues: CliCommand = {
  name: 'queues',
  summary: 'Show queue health: jobs by state, connected workers, scheduler backlog',
  usage: 'queues [--json]',
  options: { json: { type: 'boolean' } },
  async run(ctx, { values }, io) {
    const [{ JobQueueService }, { MetricsCollectors, MetricsModule }] = await Promise.all([
      import('@tally/jobs'),
      import('@tally/metrics'),
    ]);
    const app = await ctx.app([MetricsModule]);
    const collectors = app.get(MetricsCollectors);
    const jobs = app.get(JobQueueService);
    const read = async () => {
      const counts = await collectors.queueCounts();
      const workers = Object.fromEntries(
        await Promise.all(
          Object.keys(counts).map(async (q) => [q, await jobs.queue(q as never).getWorkersCount()] as const),
        ),
      );
      return { counts, workers };
    };
    const [{ counts, workers }, lag] = await Promise.all([
      withTimeout(read(), 10_000, 'Redis at REDIS_URL'),
      collectors.schedulerLag(),
    ]);
    if (values.json) {
      io.out(
        JSON.stringify({
          queues: Object.entries(counts).map(([name, c]) => ({ name, workers: workers[name], ...c })),
          scheduler: lag,
        }),
      );
      return 0;
    }
    const rows = Object.entries(counts).map(([name, c]) => ({
      queue: name,
      workers: String(workers[name]),
      waiting: String((c.waiting ?? 0) + (c.prioritized ?? 0)),
      delayed: String(c.delayed ?? 0),
      active: String(c.active ?? 0),
      failed: String(c.failed ?? 0),
    }));
    for (const line of formatTable(rows)) io.out(line);
    io.out(`scheduler: ${lag.due} connection(s) due, oldest overdue by ${lag.lagSeconds.toFixed(1)} s`);
    const idle = rows.filter((r) => r.workers === '0');
    if (idle.length)
      io.err(
        `warning: no worker is connected to ${idle.map((r) => r.queue).join(', ')} (prefix ${ctx.config.REDIS_PREFIX}): start one with npm run start:worker`,
      );
    return 0;
  },
};
