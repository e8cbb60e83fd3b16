import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request } from './api/client';

interface Loadable<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again now (keeps showing the previous data meanwhile). */
  reload: () => void;
}

/**
 * GETs `path` (null = nothing to load). `pollMs(data)` answers how long to wait before the next
 * refresh, or false to stop: pages poll only while a run is in progress.
 */
export function useApi<T>(path: string | null, pollMs?: (data: T) => number | false): Loadable<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; path: string | null }>({
    loading: path !== null,
    path,
  });
  const [tick, setTick] = useState(0);
  const pollRef = useRef(pollMs);
  pollRef.current = pollMs;

  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    let timer: number | undefined;
    setState((s) => (s.path === path ? { ...s, loading: true } : { loading: true, path }));
    request<T>(path, { signal: ctrl.signal })
      .then((data) => {
        if (ctrl.signal.aborted) return;
        setState({ data, loading: false, path });
        const wait = pollRef.current?.(data);
        if (wait) timer = window.setTimeout(() => setTick((t) => t + 1), wait);
      })
      .catch((error: unknown) => {
        if (ctrl.signal.aborted) return;
        // Keep the last good data on a failed refresh; polling pages retry a little later.
        setState((s) => ({ data: s.path === path ? s.data : undefined, error, loading: false, path }));
        if (pollRef.current && isTransient(error))
          timer = window.setTimeout(() => setTick((t) => t + 1), 5000);
      });
    return () => {
      ctrl.abort();
      window.clearTimeout(timer);
    };
  }, [path, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const fresh = state.path === path;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : undefined,
    loading: path !== null && (!fresh || state.loading),
    reload,
  };
}

/** Re-renders every `ms` so "3 minutes ago" stays true. */
export function useNow(ms = 15000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Tally` : 'Tally';
  }, [title]);
}

function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500);
}
