// The moving parts a real sync needs, as separate processes where it matters: the OIDC issuer
// (discovery + JWKS from the benchmark database's keys, served here), the AWS sandbox and the
// worker as child processes (the built entry points), talking over HTTP / Postgres / Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import { discoveryDocument, SigningKeyService, subjectFor } from '@tally/oidc';
import type { BenchEnvironment } from './environment';

export const ROLE = 'TallyReadOnly';
/** dist/ (or a dev build folder): bench/ sits beside apps/. */
const DIST_ROOT = join(__dirname, '..', '..');
export const logDir = mkdtempSync(join(tmpdir(), 'tally-bench-'));

export interface Issuer {
  url: string;
  serve(keys: SigningKeyService): void;
  close(): Promise<void>;
}

/** An HTTP issuer answering discovery and JWKS (keys attached once the database exists). */
export async function startIssuer(): Promise<Issuer> {
  let keys: SigningKeyService | undefined;
  let url = '';
  const server: Server = createServer((req, res) => {
    const send = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') return send(discoveryDocument(url));
    if (req.url === '/.well-known/jwks.json' && keys)
      return void keys.jwks().then(send, () => res.writeHead(500).end());
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve: (k) => void (keys = k),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Signing keys in the benchmark database, published by the issuer. */
export async function publishKeys(issuer: Issuer, env: BenchEnvironment): Promise<void> {
  const keys = new SigningKeyService(env.prisma, env.config);
  await keys.onModuleInit();
  issuer.serve(keys);
}

export interface ChildHandle {
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Sum of user + system CPU seconds so far (from /proc). */
  cpuSeconds(): number;
  /** VmHWM / VmRSS in MB (from /proc). */
  memory(): { hwmMb: number; rssMb: number };
  stop(): Promise<void>;
}

function spawnNode(
  name: string,
  script: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): ChildHandle {
  const logFile = join(logDir, `${name}.log`);
  const out = createWriteStream(logFile);
  // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the child processes.
  const extra = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, ...extra, join(DIST_ROOT, script)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const pid = child.pid!;
  return {
    pid,
    child,
    logFile,
    cpuSeconds: () => procCpuSeconds(pid),
    memory: () => procMemory(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** utime + stime of a process, in seconds. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function procMemory(pid: number): { hwmMb: number; rssMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { hwmMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return { hwmMb: NaN, rssMb: NaN };
  }
}

/** Waits until a line of the child's output matches, or throws after `ms`. */
function waitForOutput(h: ChildHandle, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern} (log: ${h.logFile})`)),
      ms,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        h.child.stdout!.off('data', onData);
        resolve(m[1] ?? m[0]);
      }
    };
    h.child.stdout!.on('data', onData);
    h.child.stderr!.on('data', onData);
    h.child.once('exit', (code) =>
      reject(new Error(`process exited (${code}) before ${pattern}; log: ${h.logFile}`)),
    );
  });
}

export interface SandboxProcess extends ChildHandle {
  url: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The built sandbox (`apps/aws-sandbox/src/main.js`) on an ephemeral port with this scenario. */
export async function startSandboxProcess(scenario: unknown): Promise<SandboxProcess> {
  const file = join(logDir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const h = spawnNode('sandbox', 'apps/aws-sandbox/src/main.js', {
    SANDBOX_PORT: '0',
    SANDBOX_SCENARIO: file,
  });
  const url = await waitForOutput(h, /"url":"([^"]+)"/, 30_000);
  return {
    ...h,
    url,
    async control(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
      return JSON.parse(text) as never;
    },
  };
}

/** Lets each account trust the connection (an OIDC provider + the role), as the StackSet would. */
export async function onboard(
  sandbox: SandboxProcess,
  issuerUrl: string,
  audience: string,
  tenantId: string,
  connectionId: string,
  accounts: string[],
): Promise<void> {
  const host = issuerUrl.replace(/^https?:\/\//, '');
  for (const accountId of accounts) {
    const { arn } = await sandbox.control<{ arn: string }>('POST', '/_sandbox/iam/oidc-providers', {
      accountId,
      url: issuerUrl,
      clientIdList: [audience],
    });
    await sandbox.control('POST', '/_sandbox/iam/roles', {
      accountId,
      roleName: ROLE,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: arn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${host}:aud`]: audience,
                [`${host}:sub`]: subjectFor(tenantId, connectionId),
              },
            },
          },
        ],
      },
    });
  }
}

/** A free TCP port (the worker's metrics listener needs a real one). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Node's flags in `npm run start:worker` (the heap limit): the benchmarks run the worker as production does. */
export const WORKER_NODE_FLAGS: string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts['start:worker'].split(/\s+/).filter((w) => w.startsWith('--'));
})();

/** The built worker (`apps/worker/src/main.js`) joined to the benchmark's database and Redis prefix. */
export async function startWorkerProcess(
  env: BenchEnvironment,
  extra: Record<string, string> = {},
): Promise<ChildHandle & { metricsUrl: string }> {
  const port = await freePort();
  // BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the worker alone.
  const workerArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const h = spawnNode(
    'worker',
    'apps/worker/src/main.js',
    env.childEnv({ WORKER_METRICS_PORT: String(port), ...extra }),
    [...WORKER_NODE_FLAGS, ...workerArgs],
  );
  for (let i = 0; i < 300; i++) {
    if (h.child.exitCode !== null) throw new Error(`worker exited (${h.child.exitCode}); log: ${h.logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok)
        return { ...h, metricsUrl: `http://127.0.0.1:${port}/metrics` };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`worker not ready after 60 s; log: ${h.logFile}`);
}
