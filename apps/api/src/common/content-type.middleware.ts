import { Injectable, UnsupportedMediaTypeException, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * A request with a body must send JSON: anything else answers 415 (as problem+json, through the
 * filter) before it reaches a route; the JSON parser would otherwise leave the body empty.
 */
@Injectable()
export class RequireJsonBodyMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (!hasBody(req)) return next();
    const type = req.headers['content-type'];
    if (type && JSON_TYPE.test(type)) return next();
    throw new UnsupportedMediaTypeException(
      `Send the body as application/json${type ? ` (got ${String(type).slice(0, 100)})` : ''}.`,
    );
  }
}
