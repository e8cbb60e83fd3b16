import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { loggerOptions } from './logger';

/**
 * nestjs-pino parameters shared by the HTTP apps: JSON logs, secrets redacted, and a request id
 * taken from `x-request-id` (when sane) or made up, echoed back in the response.
 */
export function httpLoggerParams(level: string, destination?: NodeJS.WritableStream): Params {
  return {
    pinoHttp: {
      ...loggerOptions(level),
      stream: destination,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
    },
  } as Params;
}
