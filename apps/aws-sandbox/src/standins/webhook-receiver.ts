import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, as received (headers lower-case, raw body). */
export interface ReceivedWebhook {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** What the receiver answered (0 = it hung). */
  status: number;
}

/** How the receiver behaves: answer 2xx, fail with a status until a time, hang, or say it is gone. */
export type ReceiverMode =
  { kind: 'ok' } | { kind: 'fail'; status: number; untilMs: number } | { kind: 'hang' } | { kind: 'gone' };

export interface WebhookReceiver {
  url: string;
  server: Server;
  /** Every request, in arrival order (failed ones included). */
  received: ReceivedWebhook[];
  /** Only the requests answered 2xx. */
  accepted(): ReceivedWebhook[];
  /** Answer `status` (default 500) for the next `ms` milliseconds. */
  failFor(ms: number, status?: number): void;
  hang(): void;
  gone(): void;
  ok(): void;
  /** Resolves when `n` requests have been accepted. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Resolves when `test(received)` holds, checked on every request (never on a timer). */
  waitFor(test: (received: ReceivedWebhook[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint for tests and the demo: records every request and can be told to fail, hang
 * or answer 410. Control over HTTP too: POST /_control {"mode":"fail","ms":30000,"status":500}
 * | {"mode":"hang"} | {"mode":"gone"} | {"mode":"ok"}; GET /_received lists what came in.
 */
export async function startWebhookReceiver(
  opts: { port?: number; host?: string } = {},
): Promise<WebhookReceiver> {
  let mode: ReceiverMode = { kind: 'ok' };
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/_control' && req.method === 'POST') return control(body, res);
      if (req.url === '/_received' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(received));
      }
      const status = statusNow();
      received.push({
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body,
        status,
      });
      for (const w of waiters) w();
      if (status === 0) {
        hanging.add(res);
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : status === 410 ? 'this endpoint is gone' : 'receiver failing on purpose');
    });
  });

  function statusNow(): number {
    if (mode.kind === 'hang') return 0;
    if (mode.kind === 'gone') return 410;
    if (mode.kind === 'fail') {
      if (Date.now() < mode.untilMs) return mode.status;
      mode = { kind: 'ok' };
    }
    return 200;
  }

  function control(body: string, res: ServerResponse): void {
    const c = JSON.parse(body || '{}') as { mode?: string; ms?: number; status?: number };
    if (c.mode === 'fail') api.failFor(c.ms ?? 30_000, c.status);
    else if (c.mode === 'hang') api.hang();
    else if (c.mode === 'gone') api.gone();
    else api.ok();
    res.writeHead(204).end();
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = () => received.filter((r) => r.status >= 200 && r.status < 300);
  const api: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    server,
    received,
    accepted,
    failFor: (ms, status = 500) => (mode = { kind: 'fail', status, untilMs: Date.now() + ms }),
    hang: () => (mode = { kind: 'hang' }),
    gone: () => (mode = { kind: 'gone' }),
    ok: () => {
      mode = { kind: 'ok' };
    },
    waitForAccepted: async (n, timeoutMs = 20_000) => {
      await api.waitFor(() => accepted().length >= n, `${n} accepted deliveries`, timeoutMs);
      return accepted();
    },
    waitFor: (test, what, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!test(received)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `receiver: no ${what} after ${timeoutMs} ms (${accepted().length} accepted, ${received.length} received)`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return api;
}
