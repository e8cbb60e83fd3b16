// Composition root of the AWS sandbox: stores, STS, SigV4, the cloud services and the stack engine
// behind one node:http server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonService } from './contract';
import { SigV4Verifier } from './auth/sigv4.verifier';
import { CloudSandbox, createCloudSandbox } from './cloud';
import { createStackRoutes, StackEngine } from './cloudformation';
import { IamStore } from './iam/iam.store';
import { iamRoutes } from './iam/iam.routes';
import { CallLog } from './server/call-log';
import { ControlRouter } from './server/control-router';
import { coreRoutes } from './server/core.routes';
import { createRequestHandler } from './server/http-server';
import { applyCoreScenario } from './server/scenario-core';
import { SettingsStore } from './server/settings';
import { CredentialsStore } from './sts/credentials.store';
import { IdpKeyCache } from './sts/idp-keys.cache';
import { StsService } from './sts/sts.service';
import { WebIdentityService } from './sts/web-identity.service';
import { SqsService } from './sqs/sqs.service';
import { SqsStore } from './sqs/sqs.store';
import { sqsRoutes } from './sqs/sqs.routes';
import { CloudTrailService } from './cloudtrail/cloudtrail.service';
import { CloudTrailStore } from './cloudtrail/cloudtrail.store';
import { EventBridgeService } from './eventbridge/eventbridge.service';
import { EventBridgeStore } from './eventbridge/eventbridge.store';
import { LiveEvents } from './live/live-events';
import { liveRoutes } from './live/live.routes';
import { memberAccounts } from './cloudformation/stack.resources';

export interface SandboxOptions {
  /** 0 = ephemeral (tests). Default 4566. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Scenario document: `settings` and `iam` are read here, the rest by the cloud part. */
  scenario?: unknown;
  /** One JSON line per AWS call on stdout. */
  log?: boolean;
  /** Extra JSON services (tests). */
  services?: JsonService[];
  /** How long issuer keys are cached before a refetch (default 5 minutes). */
  idpKeyTtlMs?: number;
}

export interface Sandbox {
  /** `http://host:port` (use as the SDK `endpoint`). */
  url: string;
  port: number;
  iam: IamStore;
  settings: SettingsStore;
  calls: CallLog;
  credentials: CredentialsStore;
  cloud: CloudSandbox;
  /** Every SQS queue (and every message each one received). */
  sqs: SqsStore;
  /** EventBridge buses, rules, targets and the delivery log. */
  events: EventBridgeStore;
  /** CloudTrail trails (which decide whether API-call events reach EventBridge). */
  trails: CloudTrailStore;
  /** Events of resource mutations, with their knobs. */
  live: LiveEvents;
  /** Adds (or replaces, by target prefix) a JSON service. */
  registerService(service: JsonService): void;
  /** Same as `POST /_sandbox/reset`: back to the initial scenario, empty call log, no credentials. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the sandbox and resolves once it listens. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const iam = new IamStore();
  const settings = new SettingsStore();
  const calls = new CallLog();
  const credentials = new CredentialsStore();
  const keys = new IdpKeyCache({ ttlMs: opts.idpKeyTtlMs });
  const sts = new StsService(new WebIdentityService(iam, credentials, settings, keys));
  applyCoreScenario(opts.scenario, iam, settings);

  const cloud: CloudSandbox = createCloudSandbox({
    scenario: opts.scenario,
    onChange: (change) => void live.mutation(change),
  });
  const services = new Map<string, JsonService>();
  const registerService = (s: JsonService) => void services.set(s.targetPrefix, s);
  const sqs = new SqsStore();
  const sqsService = new SqsService(sqs);
  const organizationIdOf = (accountId: string) => cloud.organizationIdOf(accountId);
  const events = new EventBridgeStore({ sqs, iam, organizationIdOf });
  const trails = new CloudTrailStore((accountId) => {
    const org = cloud.organization();
    if (!org || !org.accounts.some((a) => a.id === accountId)) return null;
    return {
      managementAccountId: org.managementAccountId,
      members: [org.managementAccountId, ...memberAccounts(org)],
    };
  });
  const live = new LiveEvents({ events, trails });
  // A scenario's `events` section sets the live-event knobs.
  const applyKnobs = (scenario: unknown) => {
    const knobs =
      scenario && typeof scenario === 'object' ? (scenario as { events?: unknown }).events : undefined;
    if (knobs !== undefined) live.setKnobs(knobs);
  };
  applyKnobs(opts.scenario);
  [
    ...cloud.services,
    sqsService,
    new EventBridgeService(events),
    new CloudTrailService(trails),
    ...(opts.services ?? []),
  ].forEach(registerService);

  const control = new ControlRouter();
  const stackDeps = { iam, organization: () => cloud.organization(), live: { sqs, events, trails } };
  const stacks = new StackEngine(stackDeps);
  const {
    'POST /_sandbox/reset': cloudReset,
    'POST /_sandbox/scenario': cloudLoad,
    ...cloudRoutes
  } = cloud.controlRoutes;
  const reset = async () => {
    iam.reset();
    settings.reset();
    calls.clear();
    credentials.reset();
    keys.clear();
    stacks.reset();
    sqs.reset();
    events.reset();
    trails.reset();
    live.reset();
    await cloudReset?.(undefined, new URLSearchParams());
    applyCoreScenario(opts.scenario, iam, settings);
    applyKnobs(opts.scenario);
  };
  if (cloudLoad) {
    // Loading a scenario also applies its `settings` / `iam` / `events` sections (on top of the current state).
    cloudRoutes['POST /_sandbox/scenario'] = async (body, query) => {
      const out = await cloudLoad(body, query);
      applyCoreScenario(body, iam, settings);
      applyKnobs(body);
      return out;
    };
  }
  control.add(cloudRoutes);
  control.add(createStackRoutes(stackDeps, stacks));
  control.add(iamRoutes(iam));
  control.add(sqsRoutes(sqs));
  control.add(liveRoutes({ live, events, trails }));
  control.add(coreRoutes({ settings, calls, reset, routeKeys: () => control.keys() }));

  // Sandbox failures are always written (stderr); calls only with `log`.
  const log = (line: Record<string, unknown>) =>
    void (line.msg === 'aws call' ? process.stdout : process.stderr).write(
      `${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`,
    );
  const server = createServer(
    { keepAliveTimeout: 65_000 },
    createRequestHandler({
      iam,
      settings,
      calls,
      verifier: new SigV4Verifier(credentials),
      sts,
      services,
      control,
      log,
      logCalls: !!opts.log,
      organizationIdOf,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4566, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  sqs.baseUrl = url;
  return {
    url,
    port,
    iam,
    settings,
    calls,
    credentials,
    cloud,
    sqs,
    events,
    trails,
    live,
    registerService,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        sqsService.close();
        live.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
