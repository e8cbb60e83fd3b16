import type { Response } from 'express';

/**
 * Aborts when the client goes away before its answer is written (a long poll stops waiting at once).
 * The response's close, not the request's: a request "closes" as soon as its body has been read.
 */
export function clientGone(res: Response): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone.signal;
}
