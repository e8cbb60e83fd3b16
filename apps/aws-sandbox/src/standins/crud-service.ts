import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in holds: one collection of documents. */
export interface CrudServiceStandIn {
  url: string;
  server: Server;
  documents: Array<Record<string, unknown>>;
  /** Every request (method, path with query, headers) for assertions. */
  requests: Array<{ method: string; url: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

/**
 * A Mia-Platform CRUD Service stand-in over an in-memory collection, enough for delivery: `POST
 * /upsert-one?_q=` with `$set`/`$unset`, `DELETE /?_q=`, `GET /?_q=`, `GET /count?_q=`. `_q` is a JSON
 * object of equality conditions. Optional `requiredHeaders` answer 401 when missing.
 */
export async function startCrudServiceStandIn(
  opts: { port?: number; requiredHeaders?: Record<string, string> } = {},
): Promise<CrudServiceStandIn> {
  const documents: Array<Record<string, unknown>> = [];
  const requests: CrudServiceStandIn['requests'] = [];
  let nextId = 1;

  const matches = (doc: Record<string, unknown>, q: Record<string, unknown>) =>
    Object.entries(q).every(([k, v]) => doc[k] === v);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      for (const [k, v] of Object.entries(opts.requiredHeaders ?? {})) {
        if (headers[k.toLowerCase()] !== v) return send(401, { message: `missing or wrong ${k}` });
      }
      const url = new URL(req.url ?? '/', 'http://standin');
      let q: Record<string, unknown> = {};
      try {
        q = JSON.parse(url.searchParams.get('_q') ?? '{}') as Record<string, unknown>;
      } catch {
        return send(400, { message: '_q is not valid JSON' });
      }
      // Any prefix is the collection's path (Mia serves each collection under its own /<name>/).
      const path = url.pathname.replace(/\/+$/, '');
      if (req.method === 'POST' && path.endsWith('/upsert-one')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
          $set?: Record<string, unknown>;
          $unset?: Record<string, unknown>;
        };
        let doc = documents.find((d) => matches(d, q));
        if (!doc) {
          doc = { _id: String(nextId++), ...q };
          documents.push(doc);
        }
        Object.assign(doc, body.$set ?? {});
        for (const k of Object.keys(body.$unset ?? {})) delete doc[k];
        return send(200, doc);
      }
      if (req.method === 'DELETE') {
        let count = 0;
        for (let i = documents.length - 1; i >= 0; i--) {
          if (matches(documents[i], q)) {
            documents.splice(i, 1);
            count++;
          }
        }
        return send(200, count);
      }
      if (req.method === 'GET' && path.endsWith('/count'))
        return send(200, documents.filter((d) => matches(d, q)).length);
      if (req.method === 'GET')
        return send(
          200,
          documents.filter((d) => matches(d, q)),
        );
      send(404, { message: `no route ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    documents,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
