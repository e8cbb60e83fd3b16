import type { PrismaClient } from '@tally/db';
import type { CliOutput } from './cli.command';
import { count, duration } from './format';

export interface RunSnapshot {
  status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
  tasksTotal: number;
  tasksDone: number;
  tasksFailed: number;
  resources: number;
  created: number;
  updated: number;
  deleted: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  errorMessage: string | null;
}

interface TaskEvent {
  key: string;
  kind: 'error' | 'retry';
  where: string;
  message: string;
}

export const FINAL = new Set(['succeeded', 'partial', 'failed']);

/** The run row plus live sums over its tasks (the run's own totals are written when it finishes). */
export async function readRun(prisma: PrismaClient, tenantId: string, runId: string): Promise<RunSnapshot> {
  const [run, sums] = await Promise.all([
    prisma.syncRun.findFirstOrThrow({ where: { id: runId, tenantId } }),
    prisma.syncTask.aggregate({
      where: { runId, tenantId },
      _sum: { resourcesSeen: true, created: true, updated: true, deleted: true },
    }),
  ]);
  const final = FINAL.has(run.status);
  return {
    status: run.status,
    tasksTotal: run.tasksTotal,
    tasksDone: run.tasksDone,
    tasksFailed: run.tasksFailed,
    resources: final ? run.resourcesSeen : (sums._sum.resourcesSeen ?? 0),
    created: final ? run.created : (sums._sum.created ?? 0),
    updated: final ? run.updated : (sums._sum.updated ?? 0),
    deleted: final ? run.deleted : (sums._sum.deleted ?? 0),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    errorMessage: run.errorMessage,
  };
}

/** Task failures and retries not reported yet (each attempt once). */
export async function readTaskEvents(
  prisma: PrismaClient,
  tenantId: string,
  runId: string,
  seen: Set<string>,
): Promise<TaskEvent[]> {
  const tasks = await prisma.syncTask.findMany({
    where: {
      runId,
      tenantId,
      errorMessage: { not: null },
      status: { in: ['failed', 'denied', 'pending', 'running'] },
    },
    select: {
      id: true,
      status: true,
      attempts: true,
      accountId: true,
      region: true,
      resourceType: true,
      errorCode: true,
      errorMessage: true,
    },
    take: 500,
  });
  const events: TaskEvent[] = [];
  for (const t of tasks) {
    const kind = t.status === 'failed' || t.status === 'denied' ? 'error' : 'retry';
    const key = `${t.id}:${kind}:${t.attempts}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const code = t.errorCode ? `${t.errorCode}: ` : '';
    events.push({
      key,
      kind,
      where: `${t.accountId} ${t.region} ${t.resourceType}`,
      message: `${code}${t.errorMessage}`,
    });
  }
  return events;
}

const BAR_WIDTH = 24;

/** Draws progress: one redrawn line with a bar on a TTY, plain lines (only on change) otherwise. */
export class ProgressView {
  private lastLine = '';
  private drawn = false;

  constructor(
    private readonly io: CliOutput,
    private readonly started = Date.now(),
  ) {}

  update(s: RunSnapshot, errors: number): void {
    const line = this.io.tty ? this.bar(s, errors) : this.plain(s, errors);
    if (this.io.tty) {
      this.io.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (line !== this.lastLine) this.io.out(line);
    this.lastLine = line;
  }

  event(e: TaskEvent): void {
    this.clear();
    const label = e.kind === 'error' ? 'error' : 'retry';
    this.io.out(
      this.io.tty
        ? `${e.kind === 'error' ? '✗' : '↻'} ${e.where}: ${e.message}`
        : `${label} ${e.where}: ${e.message}`,
    );
  }

  note(text: string): void {
    this.clear();
    this.io.out(text);
  }

  finish(runId: string, s: RunSnapshot): void {
    this.clear();
    const took =
      s.startedAt && s.finishedAt
        ? duration(s.finishedAt.getTime() - s.startedAt.getTime())
        : duration(Date.now() - this.started);
    const changes = `+${count(s.created)} ~${count(s.updated)} -${count(s.deleted)}`;
    this.io.out(
      `run ${runId} ${s.status}: ${s.tasksDone}/${s.tasksTotal} tasks (${s.tasksFailed} failed), ${count(s.resources)} resources (${changes}) in ${took}`,
    );
    if (s.errorMessage) this.io.out(`  ${s.errorMessage}`);
  }

  private clear(): void {
    if (this.io.tty && this.drawn) this.io.write('\r\x1b[2K');
    this.drawn = false;
  }

  private bar(s: RunSnapshot, errors: number): string {
    const ratio = s.tasksTotal ? s.tasksDone / s.tasksTotal : 0;
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    const tasks = s.status === 'queued' ? 'queued' : `${s.tasksDone}/${s.tasksTotal} tasks`;
    return `${bar} ${tasks} · ${count(s.resources)} resources · ${errors} errors · ${duration(Date.now() - this.started)}`;
  }

  private plain(s: RunSnapshot, errors: number): string {
    return `progress status=${s.status} tasks=${s.tasksDone}/${s.tasksTotal} resources=${s.resources} errors=${errors}`;
  }
}
