// The sandbox's HTTP front door (node:http, no framework): control routes under /_sandbox/, JSON
// services by X-Amz-Target (SigV4 required), everything else as STS over the query protocol.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, CallContext, JsonService } from '../contract';
import {
  jsonAuthError,
  jsonRegionDisabledError,
  queryAuthError,
  stsRegionDisabledError,
} from '../auth/auth-errors';
import { AuthFailure, SigV4Verifier, SignedRequest, VerifiedCaller } from '../auth/sigv4.verifier';
import { evaluatePolicies } from '../iam/access';
import type { IamStore } from '../iam/iam.store';
import { StsService, UNSIGNED_STS_ACTIONS, queryErrorXml } from '../sts/sts.service';
import type { CallLog, CallInput } from './call-log';
import type { ControlRouter } from './control-router';
import type { SettingsStore } from './settings';

export interface ServerDeps {
  iam: IamStore;
  settings: SettingsStore;
  calls: CallLog;
  verifier: SigV4Verifier;
  sts: StsService;
  /** By X-Amz-Target prefix. */
  services: Map<string, JsonService>;
  control: ControlRouter;
  log: (line: Record<string, unknown>) => void;
  /** Log every AWS call (not only failures of the sandbox itself). */
  logCalls: boolean;
  /** The organization id of an account (for `aws:PrincipalOrgID`), if it is in one. */
  organizationIdOf?: (accountId: string) => string | undefined;
}

const MAX_BODY = 16 * 1024 * 1024;

/** Builds the request listener. */
export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err) => {
      deps.log({ msg: 'unhandled sandbox error', err: String(err?.stack ?? err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal sandbox error');
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const body = await readBody(req);
  if (body === null) return send(res, 413, 'text/plain', 'request body too large');
  const signed: SignedRequest = { method: req.method ?? 'GET', path, rawQuery, headers: req.headers, body };
  if (path === '/_sandbox' || path.startsWith('/_sandbox/')) return serveControl(deps, signed, res);
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return serveJson(deps, signed, target, res);
  return serveQuery(deps, signed, res);
}

async function serveJson(
  deps: ServerDeps,
  req: SignedRequest,
  target: string,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const requestId = randomUUID();
  const dot = target.lastIndexOf('.');
  const service = deps.services.get(target.slice(0, dot));
  const operation = target.slice(dot + 1);
  const call: CallInput = blankCall(service?.signingName ?? target.slice(0, dot), operation);
  const contentType = service?.contentType ?? 'application/x-amz-json-1.0';
  try {
    if (!service || dot < 0)
      throw new AwsError('UnknownOperationException', `Unknown operation ${target}`, 400);
    const caller = authenticate(deps, req, service.signingName, jsonAuthError);
    fillCaller(call, caller);
    if (deps.settings.isRegionDisabled(caller.credentials.accountId, caller.region))
      throw jsonRegionDisabledError();
    const input = parseJsonBody(req.body);
    const result = await service.handle(operation, input, callContext(deps, caller, service));
    const payload = JSON.stringify(result ?? {});
    res.writeHead(200, {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  } catch (err) {
    const e = asAwsError(deps, err);
    call.outcome = 'error';
    call.errorCode = e.code;
    call.status = e.status;
    const payload = JSON.stringify({ __type: e.code, message: e.message });
    res.writeHead(e.status, {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(payload),
      ...(e.queryCode ? { 'x-amzn-query-error': `${e.queryCode};${e.fault}` } : {}),
    });
    res.end(payload);
  }
  finish(deps, call, started);
}

async function serveQuery(deps: ServerDeps, req: SignedRequest, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const requestId = randomUUID();
  const params = new URLSearchParams(req.method === 'GET' ? req.rawQuery : req.body.toString('utf8'));
  const action = params.get('Action') ?? '';
  const call = blankCall('sts', action || '(none)');
  try {
    if (!action) throw new AwsError('MissingAction', 'Missing Action', 400);
    let caller: VerifiedCaller | null = null;
    if (!UNSIGNED_STS_ACTIONS.has(action)) {
      caller = authenticate(deps, req, 'sts', queryAuthError);
      fillCaller(call, caller);
      const account = caller.credentials.accountId;
      if (deps.settings.isRegionDisabled(account, caller.region)) throw stsRegionDisabledError(account);
    }
    const out = await deps.sts.handle(action, params, requestId, caller);
    call.accountId = out.accountId;
    call.principal = out.principal;
    res.writeHead(200, {
      'content-type': 'text/xml',
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(out.xml),
    });
    res.end(out.xml);
  } catch (err) {
    const e = asAwsError(deps, err);
    call.outcome = 'error';
    call.errorCode = e.code;
    call.status = e.status;
    const xml = queryErrorXml(e, requestId);
    res.writeHead(e.status, {
      'content-type': 'text/xml',
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(xml),
    });
    res.end(xml);
  }
  finish(deps, call, started);
}

async function serveControl(deps: ServerDeps, req: SignedRequest, res: ServerResponse): Promise<void> {
  try {
    let body: unknown = undefined;
    if (req.body.length) {
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new AwsError('ValidationError', 'The request body is not valid JSON');
      }
    }
    const result = await deps.control.dispatch(req.method, req.path, body, new URLSearchParams(req.rawQuery));
    sendJson(res, 200, result ?? {});
  } catch (err) {
    const e = asAwsError(deps, err);
    sendJson(res, e.status, { error: { code: e.code, message: e.message } });
  }
}

function authenticate(
  deps: ServerDeps,
  req: SignedRequest,
  signingName: string,
  mapError: (f: AuthFailure) => AwsError,
): VerifiedCaller {
  try {
    return deps.verifier.verify(req, signingName);
  } catch (err) {
    throw err instanceof AuthFailure ? mapError(err) : err;
  }
}

function callContext(deps: ServerDeps, caller: VerifiedCaller, service: JsonService): CallContext {
  const c = caller.credentials;
  return {
    accountId: c.accountId,
    region: caller.region,
    roleArn: c.roleArn,
    principalArn: c.principalArn,
    organizationId: deps.organizationIdOf?.(c.accountId),
    identityDecision(action, resource, context) {
      const role = deps.iam.getRole(c.accountId, c.roleName);
      if (!role) return 'none';
      if (!role.policies.length) return 'allow';
      return evaluatePolicies(
        role.policies.map((p) => p.parsed),
        { action, resource, context },
      );
    },
    authorize(action: string) {
      const role = deps.iam.getRole(c.accountId, c.roleName);
      if (role && deps.iam.roleAllows(role, action)) return;
      throw new AwsError(
        service.accessDeniedCode ?? 'AccessDeniedException',
        `User: ${c.principalArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
        400,
      );
    },
  };
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  try {
    const v = JSON.parse(body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400);
}

function asAwsError(deps: ServerDeps, err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  deps.log({ msg: 'sandbox handler failed', err: String((err as Error)?.stack ?? err) });
  return new AwsError(
    'InternalFailure',
    'The request processing has failed because of an unknown error, exception or failure.',
    500,
  );
}

function blankCall(service: string, operation: string): CallInput {
  return {
    service,
    operation,
    accountId: null,
    region: null,
    principal: null,
    outcome: 'ok',
    errorCode: null,
    status: 200,
    durationMs: 0,
  };
}

function fillCaller(call: CallInput, caller: VerifiedCaller): void {
  call.accountId = caller.credentials.accountId;
  call.region = caller.region;
  call.principal = caller.credentials.principalArn;
}

function finish(deps: ServerDeps, call: CallInput, started: number): void {
  call.durationMs = Math.round((performance.now() - started) * 100) / 100;
  deps.calls.record(call);
  if (deps.logCalls) deps.log({ msg: 'aws call', ...call });
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}
