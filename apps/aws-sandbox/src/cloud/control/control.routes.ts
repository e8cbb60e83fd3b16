// Control endpoints under /_sandbox/: load a scenario, read the ground truth, mutate resources,
// accounts and behaviour (latency, throttling, faults) while the sandbox runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import type { z } from 'zod';
import { AwsError, type ControlRoutes } from '../../contract';
import { createRuntime, parseScenario, type CloudRuntime } from '../runtime';
import type { Cell } from '../store/cell';
import { RESOURCE_TYPES } from '../types';
import { normalizeTags } from '../types/tags';
import { createRng, hash32 } from '../util/hash';
import {
  createAccountSchema,
  createResourceSchema,
  faultsPatchSchema,
  resourceRefSchema,
  updateAccountSchema,
  updateResourceSchema,
} from './control.schemas';
import { MAX_TRUTH_RESOURCES, truthResources, truthSummary, type TruthFilter } from './truth';

export interface RuntimeHolder {
  get(): CloudRuntime;
  set(runtime: CloudRuntime): void;
  /** The scenario the sandbox started with (what reset goes back to). */
  initial: unknown;
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new AwsError('ValidationError', issues, 400);
  }
  return result.data;
}

/** Body merged with query parameters (DELETE bodies are optional). */
function input(body: unknown, query: URLSearchParams): Record<string, unknown> {
  return {
    ...Object.fromEntries(query),
    ...(body && typeof body === 'object' ? (body as Record<string, unknown>) : {}),
  };
}

/** Reads `apps/aws-sandbox/scenarios/<name>.json`. */
export function readNamedScenario(name: string): unknown {
  if (!/^[a-z0-9-]+$/.test(name))
    throw new AwsError('ValidationError', 'scenario name: lowercase letters, digits and dashes', 400);
  try {
    return JSON.parse(readFileSync(join(repoRoot(), 'apps/aws-sandbox/scenarios', `${name}.json`), 'utf8'));
  } catch {
    throw new AwsError('NotFound', `no scenario named ${name} in apps/aws-sandbox/scenarios`, 404);
  }
}

function cellOf(
  rt: CloudRuntime,
  ref: { accountId: string; region: string; type: keyof typeof RESOURCE_TYPES },
): Cell {
  if (!rt.state.accounts.has(ref.accountId))
    throw new AwsError('NotFound', `unknown account ${ref.accountId}: POST /_sandbox/accounts first`, 404);
  const cell = rt.state.cell(ref.accountId, ref.region, ref.type);
  if (!cell)
    throw new AwsError(
      'NotFound',
      `region ${ref.region} is not in the scenario (${rt.scenario.regions.join(', ')})`,
      404,
    );
  return cell;
}

function locate(rt: CloudRuntime, ref: z.output<typeof resourceRefSchema>) {
  const cell = cellOf(rt, ref);
  const found = cell.find(ref.identifier);
  if (!found)
    throw new AwsError('NotFound', `no ${ref.type} ${ref.identifier} in ${ref.accountId}/${ref.region}`, 404);
  return { cell, ...found };
}

function applyEdits(
  cell: Cell,
  model: Record<string, unknown>,
  properties?: Record<string, unknown>,
  tags?: unknown,
) {
  const next: Record<string, unknown> = { ...model };
  for (const [k, v] of Object.entries(properties ?? {})) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  const normalized = normalizeTags(tags);
  if (normalized) {
    if (normalized.length) next.Tags = normalized;
    else delete next.Tags;
  }
  next[cell.module.identifierProperty] = model[cell.module.identifierProperty];
  return cell.module.derive(next, cell.accountId, cell.region);
}

function accountView(rt: CloudRuntime) {
  return [...rt.state.accounts.values()];
}

/** A change made through the control routes (or a failed attempt, with `error`), for live events. */
export interface ResourceChange {
  kind: 'create' | 'update' | 'delete';
  accountId: string;
  region: string;
  type: string;
  identifier: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  error?: { errorCode: string; errorMessage: string };
  eventName?: string;
}

function eventFields(event: { eventName?: string; errorCode?: string; errorMessage?: string } | undefined) {
  return {
    ...(event?.eventName ? { eventName: event.eventName } : {}),
    ...(event?.errorCode
      ? { error: { errorCode: event.errorCode, errorMessage: event.errorMessage ?? `${event.errorCode}` } }
      : {}),
  };
}

/** Builds the control routes over the runtime holder; `onChange` hears every resource mutation. */
export function createControlRoutes(
  holder: RuntimeHolder,
  onChange: (change: ResourceChange) => void = () => undefined,
): ControlRoutes {
  let created = 0;
  return {
    'POST /_sandbox/scenario': async (body) => {
      const doc =
        body && typeof body === 'object' && 'name' in body && Object.keys(body).length === 1
          ? readNamedScenario(String((body as { name: unknown }).name))
          : body;
      const rt = createRuntime(parseScenario(doc));
      holder.set(rt);
      return {
        loaded: true,
        seed: rt.scenario.seed,
        accounts: accountView(rt).length,
        summary: truthSummary(rt.state, {}),
      };
    },
    'POST /_sandbox/reset': async () => {
      holder.set(createRuntime(parseScenario(holder.initial)));
      return { reset: true };
    },
    'GET /_sandbox/scenario': async () => {
      const rt = holder.get();
      return { scenario: rt.scenario, accounts: accountView(rt), summary: truthSummary(rt.state, {}) };
    },
    'GET /_sandbox/truth': async (_body, query) => {
      const rt = holder.get();
      const filter: TruthFilter = {};
      for (const key of ['accountId', 'region', 'type'] as const) {
        const value = query.get(key);
        if (value) filter[key] = value;
      }
      const summary = truthSummary(rt.state, filter);
      const { denied, unsupported } = rt.scenario;
      if (query.get('view') === 'summary') return { summary, denied, unsupported };
      if (summary.total > MAX_TRUTH_RESOURCES) {
        throw new AwsError(
          'TooLarge',
          `${summary.total} resources match: narrow with accountId/region/type or use view=summary`,
          400,
        );
      }
      return { summary, denied, unsupported, resources: truthResources(rt.state, filter) };
    },
    'POST /_sandbox/resources': async (body) => {
      const rt = holder.get();
      const req = parse(createResourceSchema, body);
      const cell = cellOf(rt, req);
      const rng = createRng(hash32(`${rt.scenario.seed}|created|${++created}`));
      const identifier = req.identifier ?? cell.newIdentifier(rng);
      if (cell.find(identifier))
        throw new AwsError('Conflict', `${req.type} ${identifier} already exists`, 409);
      const base = cell.module.generate({
        accountId: req.accountId,
        region: req.region,
        identifier,
        rng,
        tags: normalizeTags(req.tags) ?? [],
      });
      const model = applyEdits(cell, base, req.properties);
      const ev = eventFields(req.event);
      if (!ev.error) cell.create(identifier, model);
      onChange({
        kind: 'create',
        accountId: req.accountId,
        region: req.region,
        type: req.type,
        identifier,
        after: model,
        ...ev,
      });
      return {
        accountId: req.accountId,
        region: req.region,
        type: req.type,
        identifier,
        properties: model,
        ...(ev.error ? { failed: true } : {}),
      };
    },
    'PATCH /_sandbox/resources': async (body) => {
      const rt = holder.get();
      const req = parse(updateResourceSchema, body);
      const { cell, position, resource } = locate(rt, req);
      const model = applyEdits(cell, resource.model, req.properties, req.tags);
      const ev = eventFields(req.event);
      if (!ev.error) cell.replace(position, model);
      onChange({
        kind: 'update',
        accountId: req.accountId,
        region: req.region,
        type: req.type,
        identifier: req.identifier,
        before: resource.model,
        after: model,
        ...ev,
      });
      return {
        ...(ev.error ? { failed: true } : {}),
        accountId: req.accountId,
        region: req.region,
        type: req.type,
        identifier: req.identifier,
        properties: model,
      };
    },
    'DELETE /_sandbox/resources': async (body, query) => {
      const rt = holder.get();
      const req = parse(resourceRefSchema, input(body, query));
      const { cell, position, resource } = locate(rt, req);
      const ev = eventFields(req.event);
      if (!ev.error) cell.delete(position);
      onChange({
        kind: 'delete',
        accountId: req.accountId,
        region: req.region,
        type: req.type,
        identifier: req.identifier,
        before: resource.model,
        ...ev,
      });
      return { deleted: !ev.error, ...req };
    },
    'GET /_sandbox/accounts': async () => ({
      organization: holder.get().state.organization,
      accounts: accountView(holder.get()),
    }),
    'POST /_sandbox/accounts': async (body) =>
      holder.get().state.addAccount(parse(createAccountSchema, body)),
    'PATCH /_sandbox/accounts': async (body) => {
      const rt = holder.get();
      const req = parse(updateAccountSchema, body);
      const account = rt.state.accounts.get(req.id);
      if (!account) throw new AwsError('NotFound', `unknown account ${req.id}`, 404);
      if (req.status) account.status = req.status;
      if (req.remove) account.inOrganization = false;
      return account;
    },
    'DELETE /_sandbox/accounts': async (body, query) => {
      const rt = holder.get();
      const { id } = parse(updateAccountSchema.pick({ id: true }), input(body, query));
      const account = rt.state.accounts.get(id);
      if (!account) throw new AwsError('NotFound', `unknown account ${id}`, 404);
      account.inOrganization = false;
      return account;
    },
    'GET /_sandbox/faults': async () => faultsView(holder.get()),
    'POST /_sandbox/faults': async (body) => {
      const rt = holder.get();
      const patch = parse(faultsPatchSchema, body);
      const { throttle, paging, unsupported, denied, ...behaviour } = patch;
      rt.behaviour.update(behaviour);
      if (throttle) rt.behaviour.throttle.update((rt.scenario.throttle = throttle));
      if (paging) rt.scenario.paging = paging;
      if (unsupported) rt.scenario.unsupported = unsupported;
      if (denied) rt.scenario.denied = denied;
      return faultsView(rt);
    },
  };
}

function faultsView(rt: CloudRuntime) {
  return {
    ...rt.behaviour.current,
    throttle: rt.behaviour.throttle.current,
    paging: rt.scenario.paging,
    unsupported: rt.scenario.unsupported,
    denied: rt.scenario.denied,
  };
}
