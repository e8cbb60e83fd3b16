// The sandbox's own control endpoints: health, settings, call log, reset.
import type { ControlRoutes } from '../contract';
import type { CallLog } from './call-log';
import type { SettingsStore } from './settings';

/** `/_sandbox/health`, `/_sandbox/settings`, `/_sandbox/calls`, `/_sandbox/reset`. */
export function coreRoutes(deps: {
  settings: SettingsStore;
  calls: CallLog;
  reset: () => Promise<void>;
  routeKeys: () => string[];
}): ControlRoutes {
  return {
    'GET /_sandbox': async () => ({ routes: deps.routeKeys() }),
    'GET /_sandbox/health': async () => ({ status: 'ok' }),
    'GET /_sandbox/settings': async () => deps.settings.get(),
    'POST /_sandbox/settings': async (body) => deps.settings.update(body),
    'GET /_sandbox/calls': async (_b, q) => {
      const since = q.get('since');
      const calls = deps.calls.list({
        since: since === null ? undefined : Number(since),
        service: q.get('service') ?? undefined,
        operation: q.get('operation') ?? undefined,
        accountId: q.get('accountId') ?? undefined,
      });
      return { calls, lastSeq: deps.calls.lastSeq };
    },
    'GET /_sandbox/calls/summary': async () => deps.calls.summary(),
    'DELETE /_sandbox/calls': async () => {
      deps.calls.clear();
      return { cleared: true, lastSeq: deps.calls.lastSeq };
    },
    'POST /_sandbox/reset': async () => {
      await deps.reset();
      return { reset: true };
    },
  };
}
