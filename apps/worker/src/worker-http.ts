import { createServer, type Server } from 'node:http';

export type Route = () => Promise<{ status: number; type: string; body: string }>;

/**
 * The worker's small HTTP listener (liveness, later metrics). Plain node:http: a worker has no
 * business carrying a web framework.
 */
export function startWorkerHttp(port: number, routes: Record<string, Route>): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]];
    if (!route || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    route().then(
      (r) => res.writeHead(r.status, { 'content-type': r.type }).end(r.body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
