import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { repoRoot } from '@tally/common';

/** Paths that belong to the API, never to the dashboard's SPA fallback. */
const API_PATHS = /^\/(?:v1|docs|\.well-known|healthz|readyz|metrics)(?:[/.-]|$)/;

/**
 * The dashboard's Content-Security-Policy: only this origin's own files and API, no inline script
 * or style, no plugins, not framable. Preact sets dynamic styles through the CSSOM, which CSP allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Hashed build outputs never change; everything else is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const SHORT = 'public, max-age=3600';

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tally</title></head>
<body><h1>Tally's dashboard is not built</h1>
<p>The API is running (see <a href="/docs">/docs</a>), but the dashboard's files are missing.
Build them with <code>npm run build:dashboard</code> (or <code>npm run build</code>); no restart is needed.</p></body></html>\n`;

/** Where the built dashboard lives: `<repo>/dist/dashboard` (written by `npm run build:dashboard`). */
export function defaultDashboardDir(): string {
  return join(repoRoot(), 'dist', 'dashboard');
}

/** True when `path` is an API path the dashboard must never answer. */
export function isApiPath(path: string): boolean {
  return API_PATHS.test(path);
}

/**
 * An express handler serving the built dashboard from `dir`: its files, and index.html for any other
 * GET that is not an API path (client-side routes). Other requests fall through to the API (404s).
 */
export function createDashboardHandler(dir: string) {
  const index = new IndexCache(join(dir, 'index.html'));
  return (req: Request, res: Response, next: NextFunction): void => {
    // originalUrl: a middleware's mount path may have been stripped from req.path.
    const path = pathnameOf(req.originalUrl);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path === null || isApiPath(path)) return next();
    const html = index.read();
    if (html === null) {
      res
        .status(503)
        .set(SECURITY_HEADERS)
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(NOT_BUILT_PAGE);
      return;
    }
    if (path === '/' || path === '/index.html') return sendIndex(res, html);
    const hashed = path.startsWith('/assets/');
    const headers = { ...SECURITY_HEADERS, 'Cache-Control': hashed ? IMMUTABLE : SHORT };
    res.sendFile(
      path,
      {
        root: dir,
        dotfiles: 'deny',
        index: false,
        cacheControl: false,
        etag: true,
        lastModified: !hashed,
        headers,
      },
      (err?: Error & { status?: number; statusCode?: number }) => {
        if (!err || res.headersSent) return;
        // A missing file with an extension is a real 404 (never HTML in place of a script);
        // anything else is a client-side route.
        const status = err.status ?? err.statusCode;
        if (status !== 404 || extname(path) || hashed) return next();
        sendIndex(res, html);
      },
    );
  };
}

function pathnameOf(url: string): string | null {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return null;
  }
}

function sendIndex(res: Response, html: string): void {
  res.status(200).set(SECURITY_HEADERS).set('Cache-Control', REVALIDATE).type('html').send(html);
}

/** index.html, re-read when a rebuild replaces it (its asset names change with every build). */
class IndexCache {
  private mtimeMs = -1;
  private html: string | null = null;

  constructor(private readonly file: string) {}

  read(): string | null {
    if (!existsSync(this.file)) return null;
    const mtimeMs = statSync(this.file).mtimeMs;
    if (mtimeMs !== this.mtimeMs) {
      this.html = readFileSync(this.file, 'utf8');
      this.mtimeMs = mtimeMs;
    }
    return this.html;
  }
}
