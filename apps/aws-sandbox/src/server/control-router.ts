// Routes `/_sandbox/…` control calls to handlers keyed `"METHOD /path"`. A path segment written
// `:name` matches any segment and is passed to the handler as query parameter `name`.
import { AwsError, ControlHandler, ControlRoutes } from '../contract';

interface PatternRoute {
  method: string;
  segments: string[];
  handler: ControlHandler;
}

/** The table of control routes (later registrations of a key replace earlier ones). */
export class ControlRouter {
  private readonly exact = new Map<string, ControlHandler>();
  private readonly patterns: PatternRoute[] = [];

  add(routes: ControlRoutes): void {
    for (const [key, handler] of Object.entries(routes)) {
      const [method, path] = key.split(' ');
      if (!method || !path) throw new Error(`bad control route key: ${key}`);
      if (path.includes('/:')) this.patterns.push({ method, segments: path.split('/'), handler });
      else this.exact.set(`${method} ${path}`, handler);
    }
  }

  has(key: string): boolean {
    return this.exact.has(key);
  }

  get(key: string): ControlHandler | undefined {
    return this.exact.get(key);
  }

  /** Runs the matching handler; AwsError NotFound when no route matches. */
  async dispatch(method: string, path: string, body: unknown, query: URLSearchParams): Promise<unknown> {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return exact(body, query);
    const segments = path.split('/');
    for (const route of this.patterns) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      const q = new URLSearchParams(query);
      for (const [k, v] of Object.entries(params)) q.set(k, v);
      return route.handler(body, q);
    }
    throw new AwsError('NotFound', `No control route ${method} ${path}`, 404);
  }

  /** Every registered route key, for discovery (`GET /_sandbox/`). */
  keys(): string[] {
    return [...this.exact.keys(), ...this.patterns.map((p) => `${p.method} ${p.segments.join('/')}`)].sort();
  }
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = decodeURIComponent(actual[i]);
    else if (pattern[i] !== actual[i]) return null;
  }
  return params;
}
