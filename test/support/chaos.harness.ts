// Test harness (not a test): chaos rounds against a sync in progress, for the chaos e2e test and the
// soak (`npm run soak`). Each round changes resources in the sandbox, then deletes this test's Redis
// keys, cuts its PostgreSQL connections, SIGKILLs and restarts the worker process and restarts the api.
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { clearRedisPrefix } from '@tally/testing';
import { createApiApp } from '../../apps/api/src/app';
import { cutPostgresConnections, spawnWorkerProcess, until } from './faults.harness';
import {
  diffInventories,
  expectedInventory,
  keyOf,
  type SyncHarness,
  type TruthResource,
} from './sync.harness';

export const CHAOS_WORKER_ENV = {
  SCHEDULER_ENABLED: 'true',
  SCHEDULER_INTERVAL_SECONDS: '1',
  SYNC_RUN_STALL_MINUTES: '0.5',
  SYNC_LOCK_DURATION_MS: '2000',
  SYNC_CONCURRENCY: '4',
  SYNC_TASK_ATTEMPTS: '12',
  SYNC_TASK_BACKOFF_MS: '200',
};

export interface ChaosReport {
  rounds: number;
  injected: {
    redisKeysDeleted: number;
    postgresConnectionsCut: number;
    workerKills: number;
    apiRestarts: number;
  };
  changed: { created: string[]; updated: string[]; deleted: string[] };
  /** From the last fault to the end of the final run that saw every change. */
  convergenceMs: number;
  runs: number;
}

/** The chaos driver: a worker process, an in-process api, and the rounds. */
export class Chaos {
  private worker?: ReturnType<typeof spawnWorkerProcess>;
  private api?: NestExpressApplication;
  readonly report: ChaosReport = {
    rounds: 0,
    injected: { redisKeysDeleted: 0, postgresConnectionsCut: 0, workerKills: 0, apiRestarts: 0 },
    changed: { created: [], updated: [], deleted: [] },
    convergenceMs: 0,
    runs: 0,
  };

  /** When each sandbox change was made. */
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly h: SyncHarness) {}

  async start(): Promise<void> {
    await this.startWorker();
    await this.startApi();
  }

  async stop(): Promise<void> {
    await this.worker?.kill();
    await this.api?.close();
  }

  /** One round: wait until a run is under way, change the sandbox, then every fault in turn. */
  async round(): Promise<void> {
    await this.dueNow();
    await until(
      'a run under way with 2 tasks ended',
      () => this.active(),
      (r) => !!r && r.tasksDone >= 2,
      45_000,
    ).catch(
      () => undefined, // a run that ended already is fine: the faults still hit the next one
    );
    await this.changeSandbox();
    this.report.injected.redisKeysDeleted += await clearRedisPrefix(this.h.env.config);
    this.report.injected.postgresConnectionsCut += await cutPostgresConnections(this.h.env.db.name);
    await this.worker?.kill();
    this.report.injected.workerKills++;
    await this.startWorker();
    await this.api?.close();
    await this.startApi();
    this.report.injected.apiRestarts++;
    this.report.rounds++;
  }

  /** Waits for every run to end, then one more scheduled run (it sees every change); returns its id. */
  async converge(timeoutMs: number): Promise<string> {
    const started = Date.now();
    const runs = this.h.env.prisma.syncRun;
    await until(
      'every run ends',
      () => runs.count({ where: { status: { in: ['queued', 'running'] } } }),
      (n) => n === 0,
      timeoutMs,
    );
    const before = await runs.count();
    await this.dueNow();
    await until(
      'the final scheduled run starts',
      () => runs.count(),
      (n) => n > before,
      timeoutMs,
    );
    const last = await runs.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    await this.h.waitForRun(last.id, timeoutMs);
    this.report.convergenceMs = Date.now() - started;
    this.report.runs = await runs.count();
    return last.id;
  }

  /** Everything that must hold after convergence, as readable problems (empty = converged). */
  async problems(): Promise<string[]> {
    const out: string[] = [];
    const stuck = await this.h.env.prisma.syncRun.count({ where: { status: { in: ['queued', 'running'] } } });
    if (stuck) out.push(`${stuck} runs still queued or running`);
    const diff = diffInventories(await this.h.inventory(), expectedInventory(await this.h.truth()));
    if (diff.counts.some((n) => n > 0)) out.push(`inventory differs from the truth: ${JSON.stringify(diff)}`);
    out.push(...(await this.historyProblems()));
    return out;
  }

  /** Per resource: at most one change per run, kinds in a possible order, and every sandbox change recorded. */
  private async historyProblems(): Promise<string[]> {
    const out: string[] = [];
    const resources = await this.h.env.prisma.resource.findMany({
      where: { tenantId: this.h.tenantId },
      include: { changes: { orderBy: { at: 'asc' } } },
    });
    const byKey = new Map(resources.map((r) => [keyOf(r), r]));
    for (const r of resources) {
      // A run may see a resource created and then deleted (a retried listing after the deletion),
      // but never the same kind of change twice.
      const perRun = new Set<string>();
      let prev: string | undefined;
      const history = () => r.changes.map((x) => `${x.kind}@${x.at.toISOString()}/${x.runId}`).join(', ');
      for (const c of r.changes) {
        if (perRun.has(`${c.runId}/${c.kind}`))
          out.push(`${keyOf(r)}: ${c.kind} twice in run ${c.runId}: ${history()}`);
        perRun.add(`${c.runId}/${c.kind}`);
        const ok = prev === undefined || prev === 'deleted' ? c.kind === 'created' : c.kind !== 'created';
        if (!ok) out.push(`${keyOf(r)}: ${c.kind} after ${prev ?? 'nothing'}: ${history()}`);
        prev = c.kind;
      }
      if ((prev === 'deleted') !== !!r.deletedAt)
        out.push(`${keyOf(r)}: last change ${prev}, deletedAt ${r.deletedAt?.toISOString()}`);
    }
    // A change in AWS must show once the inventory knew the resource before it (else it was first
    // seen, or never seen, in its new state).
    const has = (key: string, kind: string) => !!byKey.get(key)?.changes.some((c) => c.kind === kind);
    const knownBefore = (key: string) => {
      const first = byKey
        .get(key)
        ?.changes.find((c) => c.kind === 'created')
        ?.at.getTime();
      return first !== undefined && first < (this.changedAt.get(key) ?? 0);
    };
    for (const k of this.report.changed.created)
      if (!has(k, 'created')) out.push(`${k}: created in AWS, no created change`);
    for (const k of this.report.changed.updated)
      if (knownBefore(k) && !has(k, 'updated')) out.push(`${k}: changed in AWS, no updated change`);
    for (const k of this.report.changed.deleted)
      if (knownBefore(k) && !has(k, 'deleted')) out.push(`${k}: deleted in AWS, no deleted change`);
    return out;
  }

  /** One resource created, one changed and one deleted in the sandbox (never one touched before). */
  private async changeSandbox(): Promise<void> {
    const truth = await this.h.truth();
    const touched = new Set([
      ...this.report.changed.created,
      ...this.report.changed.updated,
      ...this.report.changed.deleted,
    ]);
    const pick = (type: string, skip = 0) =>
      truth.filter((r) => r.type === type && !touched.has(keyOf(r)))[skip];
    const ref = (r: TruthResource) => ({
      accountId: r.accountId,
      region: r.region,
      type: r.type,
      identifier: r.identifier,
    });
    const victim = pick('AWS::EC2::Instance');
    const edited = pick('AWS::Lambda::Function');
    if (victim) {
      this.changedAt.set(keyOf(victim), Date.now());
      await this.h.control('DELETE', '/_sandbox/resources', ref(victim));
      this.report.changed.deleted.push(keyOf(victim));
    }
    if (edited) {
      this.changedAt.set(keyOf(edited), Date.now());
      await this.h.control('PATCH', '/_sandbox/resources', {
        ...ref(edited),
        properties: { MemorySize: 512 + this.report.rounds },
      });
      this.report.changed.updated.push(keyOf(edited));
    }
    const anchor = victim ?? edited ?? truth[0];
    const created = await this.h.control<{ identifier: string }>('POST', '/_sandbox/resources', {
      accountId: anchor.accountId,
      region: anchor.region,
      type: 'AWS::EC2::Instance',
    });
    this.report.changed.created.push(
      keyOf({ ...anchor, type: 'AWS::EC2::Instance', identifier: created.identifier }),
    );
  }

  private active() {
    return this.h.env.prisma.syncRun.findFirst({
      where: { status: 'running' },
      orderBy: { createdAt: 'desc' },
    });
  }

  private dueNow() {
    return this.h.env.prisma.connection.update({
      where: { id: this.h.connection.id },
      data: { nextSyncAt: new Date() },
    });
  }

  private async startWorker(): Promise<void> {
    this.worker = spawnWorkerProcess(this.h.env.config, CHAOS_WORKER_ENV);
    await this.worker.ready;
  }

  private async startApi(): Promise<void> {
    this.api = await createApiApp(this.h.env.config);
    await this.api.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(this.api.getHttpServer().address() as AddressInfo).port}`;
    await until(
      'the api is ready',
      () => fetch(`${url}/readyz`).then((r) => r.status),
      (s) => s === 200,
      15_000,
    );
  }
}
