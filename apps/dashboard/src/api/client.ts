import type { Problem } from '@tally/contract';

const KEY_STORAGE = 'tally.apiKey';

/** An API answer that was not 2xx, with its problem+json document when there was one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage disabled: the key then lives only as long as the page.
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request answers 401: the key was revoked or expired while signed in. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Use this key instead of the stored one (sign-in). */
  key?: string;
  accept?: string;
}

/** Calls the public REST API with `Authorization: Bearer`; throws ApiError for non-2xx answers. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Like request, but answers the raw body as a Blob (template download). */
export async function requestBlob(path: string, accept: string): Promise<Blob> {
  const res = await send(path, { accept });
  return res.blob();
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const key = options.key ?? storedKey();
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, {
      title: 'Network error',
      detail: 'The Tally API could not be reached. Check your connection; the page retries on its own.',
    });
  }
  if (res.ok) return res;
  const problem = await readProblem(res);
  if (res.status === 401 && !options.key) unauthorizedListeners.forEach((l) => l());
  throw new ApiError(res.status, problem);
}

async function readProblem(res: Response): Promise<Partial<Problem>> {
  try {
    const body = (await res.json()) as Partial<Problem>;
    return typeof body === 'object' && body ? { status: res.status, ...body } : { status: res.status };
  } catch {
    return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
  }
}

/** Builds `/v1/...` paths with encoded segments and a query string without empty values. */
export function apiPath(
  segments: string[],
  query: Record<string, string | string[] | undefined> = {},
): string {
  const path = '/v1/' + segments.map(encodeURIComponent).join('/');
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const value of Array.isArray(v) ? v : [v]) if (value) params.append(k, value);
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
