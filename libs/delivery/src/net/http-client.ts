import http from 'node:http';
import https from 'node:https';
import {
  checkDestinationUrl,
  DestinationRefusedError,
  guardedLookup,
  type NetworkPolicy,
} from './destination-url';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, connect to last byte. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** At most MAX_BODY bytes: enough for an error message, never a memory risk. */
  body: string;
}

/** A request that could not complete (refused, timed out, network): `message` is for the customer. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly reason: 'refused' | 'timeout' | 'network',
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}

const MAX_BODY = 16 * 1024;

/** Keep-alive agents per policy: sockets are checked once, at connect, by the guarded lookup. */
const agents = new Map<string, { http: http.Agent; https: https.Agent }>();

function agentsFor(policy: NetworkPolicy) {
  const key = String(policy.allowPrivate);
  let pair = agents.get(key);
  if (!pair) {
    const lookup = guardedLookup(policy.allowPrivate);
    const opts = { keepAlive: true, maxSockets: 64, lookup } as http.AgentOptions;
    pair = { http: new http.Agent(opts), https: new https.Agent(opts) };
    agents.set(key, pair);
  }
  return pair;
}

/** One HTTP exchange with a customer endpoint under the network policy and a hard timeout. */
export function requestDestination(req: HttpRequest, policy: NetworkPolicy): Promise<HttpResponse> {
  let url: URL;
  try {
    url = checkDestinationUrl(req.url, policy);
  } catch (err) {
    return Promise.reject(new HttpFailure((err as Error).message, 'refused'));
  }
  const pair = agentsFor(policy);
  const lib = url.protocol === 'https:' ? https : http;
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const outgoing = lib.request(
      url,
      {
        method: req.method,
        agent: url.protocol === 'https:' ? pair.https : pair.http,
        lookup: guardedLookup(policy.allowPrivate),
        headers: {
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          'user-agent': 'Tally-Delivery/1',
          ...req.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c.subarray(0, MAX_BODY - size));
          size += c.length;
        });
        res.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
        res.on('error', (err) => finish(() => reject(networkFailure(err, url))));
      },
    );
    const timer = setTimeout(() => {
      finish(() =>
        reject(new HttpFailure(`${url.host} did not answer within ${req.timeoutMs} ms`, 'timeout')),
      );
      outgoing.destroy();
    }, req.timeoutMs);
    outgoing.on('error', (err) => finish(() => reject(networkFailure(err, url))));
    outgoing.end(body);
  });
}

function networkFailure(err: Error & { code?: string }, url: URL): HttpFailure {
  if (err instanceof DestinationRefusedError) return new HttpFailure(err.message, 'refused');
  const host = url.host;
  const words: Record<string, string> = {
    ECONNREFUSED: `${host} refused the connection (is the service running and the port open?)`,
    ENOTFOUND: `${url.hostname} does not resolve (check the host name)`,
    ECONNRESET: `${host} closed the connection`,
    ETIMEDOUT: `${host} could not be reached (timed out connecting)`,
    CERT_HAS_EXPIRED: `${host}'s TLS certificate has expired`,
    DEPTH_ZERO_SELF_SIGNED_CERT: `${host} presents a self-signed TLS certificate`,
  };
  return new HttpFailure(words[err.code ?? ''] ?? `${host}: ${err.message}`, 'network');
}
