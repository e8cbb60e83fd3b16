// An organization connection synced for real: issuer + sandbox process + worker process, a tenant
// and an active organization connection onboarded in every account, runs requested like the api does.
import type { SyncRun } from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { SyncRunsService } from '@tally/sync';
import { createConnection, createTenant } from '@tally/testing';
import { createBenchEnvironment, type BenchEnvironment } from './environment';
import {
  onboard,
  publishKeys,
  startIssuer,
  startSandboxProcess,
  startWorkerProcess,
  ROLE,
  type ChildHandle,
  type Issuer,
  type SandboxProcess,
} from './stack';
import { progress } from './report';
import { startAutoAnalyze, type AutoAnalyze } from './autoanalyze';

export interface OrgSyncOptions {
  name: string;
  scenario: Record<string, unknown> & { regions: string[] };
  accounts: string[];
  resourceTypes?: string[];
  /** Extra configuration for the worker process. */
  workerEnv?: Record<string, string>;
}

export interface OrgSync {
  env: BenchEnvironment;
  issuer: Issuer;
  sandbox: SandboxProcess;
  worker: ChildHandle & { metricsUrl: string };
  tenantId: string;
  connectionId: string;
  analyze: AutoAnalyze;
  requestRun(): Promise<SyncRun>;
  /** Polls the run until it ends; `onPoll` sees it every `everyMs`. */
  waitForRun(
    runId: string,
    timeoutMs: number,
    onPoll?: (run: SyncRun) => void,
    everyMs?: number,
  ): Promise<SyncRun>;
  close(): Promise<void>;
}

export async function startOrgSync(o: OrgSyncOptions): Promise<OrgSync> {
  const issuer = await startIssuer();
  let env: BenchEnvironment | undefined;
  let sandbox: SandboxProcess | undefined;
  let worker: (ChildHandle & { metricsUrl: string }) | undefined;
  let jobs: JobQueueService | undefined;
  let analyze: AutoAnalyze | undefined;
  const close = async () => {
    await analyze?.stop();
    await worker?.stop();
    await sandbox?.stop();
    await jobs?.close();
    await issuer.close();
    await env?.close();
  };
  try {
    env = await createBenchEnvironment(o.name, { OIDC_ISSUER_URL: issuer.url, ...o.workerEnv });
    analyze = await startAutoAnalyze(env.db.url);
    await publishKeys(issuer, env);
    const tenant = await createTenant(env.prisma, { name: `bench-${o.name}` });
    const connection = await createConnection(env.prisma, tenant.id, {
      accountId: o.accounts[0],
      mode: 'organization',
      regions: o.scenario.regions,
      resourceTypes: o.resourceTypes ?? [],
      roleName: ROLE,
      status: 'active',
    });
    progress(o.name, 'starting the sandbox process');
    sandbox = await startSandboxProcess(o.scenario);
    await onboard(sandbox, issuer.url, env.config.OIDC_AUDIENCE, tenant.id, connection.id, o.accounts);
    const config = env.reconfigure({
      AWS_ENDPOINT_URL_STS: sandbox.url,
      AWS_ENDPOINT_URL_CLOUDCONTROL: sandbox.url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: sandbox.url,
    });
    progress(o.name, 'starting the worker process');
    worker = await startWorkerProcess(env);
    jobs = new JobQueueService(config);
    const runs = new SyncRunsService(env.prisma, jobs, config);
    const e = env;
    return {
      env,
      issuer,
      sandbox,
      worker,
      analyze,
      tenantId: tenant.id,
      connectionId: connection.id,
      requestRun: () => runs.requestRun(tenant.id, connection.id, 'manual'),
      async waitForRun(runId, timeoutMs, onPoll, everyMs = 100) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const run = await e.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
          onPoll?.(run);
          if (['succeeded', 'partial', 'failed'].includes(run.status)) return run;
          if (Date.now() > deadline)
            throw new Error(
              `run still ${run.status} after ${timeoutMs / 1000} s (${run.tasksDone}/${run.tasksTotal} tasks)`,
            );
          if (worker!.child.exitCode !== null)
            throw new Error(`the worker exited (${worker!.child.exitCode}); log: ${worker!.logFile}`);
          await new Promise((r) => setTimeout(r, everyMs));
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
