/** The outcome of a readiness check: each dependency by name, ok or what went wrong. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Runs dependency checks at once, each bounded by a timeout (a dependency that hangs is down), and
 * says which are down in words: `{ postgres: { ok: false, error: "…" } }`.
 */
export async function checkReadiness(
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Readiness> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => bounded(checks[n], n, timeoutMs)));
  const out: Readiness['checks'] = Object.fromEntries(names.map((n, i) => [n, results[i]]));
  return { ready: results.every((r) => r.ok), checks: out };
}

/** "not ready: postgres, redis down", or "ready". */
export function readinessStatus(r: Readiness): string {
  const down = Object.entries(r.checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return r.ready ? 'ready' : `not ready: ${down.join(', ')} down`;
}

async function bounded(
  fn: () => Promise<unknown>,
  name: string,
  timeoutMs: number,
): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([fn(), timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}
