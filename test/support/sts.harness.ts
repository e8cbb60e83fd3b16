// Test support shared by the STS end-to-end tests: the api serves the issuer documents on an
// ephemeral port, the sandbox STS fetches them, and `onboard` deploys a connection's "stack".
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SigningKeyService, subjectFor, TokenService } from '@tally/oidc';
import {
  webIdentityTrustPolicy,
  CapturedLogs,
  createConnection,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { createApiApp } from '../../apps/api/src/app';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { Metrics } from '@tally/metrics';
import {
  assumeRoleWithWebIdentity,
  AwsCallError,
  AwsClients,
  AwsCredentialsService,
  roleArnFor,
  type AssumeTarget,
  type SessionCredentials,
} from '@tally/aws';

export const ROLE = 'TallyReadOnly';

export interface OnboardOptions {
  subjectOperator?: 'StringEquals' | 'StringLike';
  subject?: string;
  clientIds?: string[];
}

export interface StsHarness {
  env: TestEnvironment;
  sandbox: Sandbox;
  api: NestExpressApplication;
  keys: SigningKeyService;
  tokens: TokenService;
  metrics: Metrics;
  clients: AwsClients;
  service: AwsCredentialsService;
  issuer: string;
  /** The issuer without scheme: the prefix of the trust policy's condition keys. */
  host: string;
  /** A connection with a deployed "stack": provider for our issuer + role trusting its subject. */
  onboard(
    opts?: OnboardOptions,
  ): Promise<{ tenant: { id: string }; conn: { id: string; accountId: string }; target: AssumeTarget }>;
  /** AssumeRoleWithWebIdentity of `target`'s role with a token the test made itself. */
  assumeWithToken(target: AssumeTarget, token: string): Promise<SessionCredentials>;
  close(): Promise<void>;
}

/** Starts sandbox, database and api (logging to `logs`), and the credential service under test. */
export async function startStsHarness(logs: CapturedLogs): Promise<StsHarness> {
  const sandbox = await startSandbox({ port: 0 });
  const env = await createTestEnvironment({ LOG_LEVEL: 'debug', AWS_ENDPOINT_URL_STS: sandbox.url });
  const api = await createApiApp(env.config, { logDestination: logs });
  await api.listen(0, '127.0.0.1');
  const issuer = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  const host = issuer.replace(/^https?:\/\//, '');
  // The issuer is only known once the api listens on its ephemeral port.
  env.config.OIDC_ISSUER_URL = issuer;
  const keys = new SigningKeyService(env.prisma, env.config);
  const tokens = new TokenService(env.prisma, env.config, keys);
  const metrics = new Metrics({ defaultMetrics: false });
  const clients = new AwsClients(env.config, metrics);
  const service = new AwsCredentialsService(env.config, tokens, clients, metrics);

  async function onboard(opts: OnboardOptions = {}) {
    const tenant = await createTenant(env.prisma);
    const conn = await createConnection(env.prisma, tenant.id, { roleName: ROLE });
    const providerArn = sandbox.iam.createOidcProvider(conn.accountId, {
      url: issuer,
      clientIdList: opts.clientIds ?? [env.config.OIDC_AUDIENCE],
    });
    const subject = opts.subject ?? subjectFor(tenant.id, conn.id);
    sandbox.iam.putRole(conn.accountId, {
      roleName: ROLE,
      assumeRolePolicyDocument: webIdentityTrustPolicy({
        providerArn,
        host,
        audience: env.config.OIDC_AUDIENCE,
        subject,
        subjectOperator: opts.subjectOperator,
      }),
    });
    const target: AssumeTarget = {
      tenantId: tenant.id,
      connectionId: conn.id,
      accountId: conn.accountId,
      roleName: ROLE,
    };
    return { tenant, conn, target };
  }

  function assumeWithToken(target: AssumeTarget, token: string) {
    const sts = clients.sts();
    return assumeRoleWithWebIdentity(sts, {
      roleArn: roleArnFor(target.accountId, target.roleName, env.config.AWS_REGION),
      roleSessionName: 'tally-test',
      webIdentityToken: token,
      durationSeconds: 900,
    }).finally(() => sts.destroy());
  }

  return {
    env,
    sandbox,
    api,
    keys,
    tokens,
    metrics,
    clients,
    service,
    issuer,
    host,
    onboard,
    assumeWithToken,
    async close() {
      service.onApplicationShutdown();
      await api.close();
      await sandbox.close();
      await env.close();
    },
  };
}

/** The harness of a suite: started before its tests, closed after them (read it inside tests). */
export function stsHarnessFor(logs: CapturedLogs): StsHarness {
  const harness = {} as StsHarness;
  before(async () => {
    Object.assign(harness, await startStsHarness(logs));
  });
  after(async () => {
    await harness.close?.();
  });
  return harness;
}

/** Awaits a promise that must reject with a classified AWS error, and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<AwsCallError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AwsCallError, `not classified: ${String(err)}`);
  return err;
}
