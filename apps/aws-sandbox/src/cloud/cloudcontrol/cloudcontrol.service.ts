// Cloud Control API (JSON 1.0, `CloudApiService`): ListResources and GetResource over the sandbox
// inventory, with the real API's quirks (ignored MaxResults, empty pages, S3's cross-region list).
import { AwsError, type CallContext, type JsonService } from '../../contract';
import type { CloudRuntime } from '../runtime';
import { RESOURCE_TYPES, isResourceTypeName, type ResourceTypeModule } from '../types';
import { ccErrors } from './cloudcontrol.errors';
import { pageSize, readPage } from './listing';
import { decodePageToken, encodePageToken, type Cursor } from './page-token';

type Operation = 'ListResources' | 'GetResource';
const SIGNING_NAME = 'cloudcontrolapi';

export class CloudControlService implements JsonService {
  readonly signingName = SIGNING_NAME;
  readonly targetPrefix = 'CloudApiService';
  readonly contentType = 'application/x-amz-json-1.0';
  /** IAM denials of Cloud Control calls arrive in coral's qualified shape. */
  readonly accessDeniedCode = 'com.amazon.coral.service#AccessDeniedException';

  constructor(private readonly runtime: () => CloudRuntime) {}

  async handle(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown> {
    if (operation !== 'ListResources' && operation !== 'GetResource') {
      throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`, 400);
    }
    const rt = this.runtime();
    await rt.behaviour.delay();
    if (!rt.behaviour.throttle.tryTake(ctx.accountId, ctx.region, SIGNING_NAME)) throw ccErrors.throttled();
    const type = this.checkCall(rt, operation, input, ctx);
    return operation === 'ListResources' ? this.list(rt, type, input, ctx) : this.get(rt, type, input, ctx);
  }

  /** The checks every call goes through, in the order AWS applies them; returns the type module. */
  private checkCall(
    rt: CloudRuntime,
    operation: Operation,
    input: Record<string, unknown>,
    ctx: CallContext,
  ): ResourceTypeModule {
    const typeName = input.TypeName;
    if (typeof typeName !== 'string' || !typeName)
      throw ccErrors.validation(
        "1 validation error detected: Value null at 'typeName' failed to satisfy constraint: Member must not be null",
      );
    ctx.authorize(`cloudformation:${operation}`);
    if (!isResourceTypeName(typeName)) throw ccErrors.typeNotFound(typeName);
    if (rt.scenario.unsupported.some((u) => u.type === typeName && u.region === ctx.region))
      throw ccErrors.unsupported(typeName, ctx.region);
    const module = RESOURCE_TYPES[typeName];
    const permissions = operation === 'ListResources' ? module.permissions.list : module.permissions.read;
    for (const action of permissions) ctx.authorize(action);
    if (rt.scenario.denied.some((d) => d.type === typeName && d.accountId === ctx.accountId)) {
      throw ccErrors.accessDenied(ctx.principalArn, permissions[0]!);
    }
    if (rt.behaviour.injectHandlerFailure()) throw ccErrors.handlerInternalFailure(typeName);
    return module;
  }

  private list(
    rt: CloudRuntime,
    module: ResourceTypeModule,
    input: Record<string, unknown>,
    ctx: CallContext,
  ) {
    const listingKey = `${rt.generation}|${ctx.accountId}|${ctx.region}|${module.typeName}`;
    let cursor: Cursor = { cell: 0, position: 0, page: 0 };
    if (input.NextToken !== undefined && input.NextToken !== null) {
      const decoded =
        typeof input.NextToken === 'string' ? decodePageToken(listingKey, input.NextToken) : undefined;
      if (!decoded) throw ccErrors.invalidToken();
      cursor = decoded;
    }
    const cells = rt.state.listingCells(ctx.accountId, ctx.region, module.typeName, module.listsEveryRegion);
    const { items, next } = readPage(cells, cursor, pageSize(listingKey, cursor, rt.scenario.paging));
    const descriptions = items.map((r) => ({
      Identifier: r.identifier,
      Properties: JSON.stringify(module.listModel(r.model)),
    }));
    return {
      TypeName: module.typeName,
      ResourceDescriptions: descriptions,
      ...(next ? { NextToken: encodePageToken(listingKey, next) } : {}),
    };
  }

  private get(
    rt: CloudRuntime,
    module: ResourceTypeModule,
    input: Record<string, unknown>,
    ctx: CallContext,
  ) {
    const identifier = input.Identifier;
    if (typeof identifier !== 'string' || !identifier)
      throw ccErrors.validation(
        "1 validation error detected: Value null at 'identifier' failed to satisfy constraint: Member must not be null",
      );
    const found = rt.state.cell(ctx.accountId, ctx.region, module.typeName)?.find(identifier);
    if (!found) {
      const elsewhere =
        module.listsEveryRegion &&
        rt.state
          .listingCells(ctx.accountId, ctx.region, module.typeName, true)
          .some((c) => c.find(identifier));
      throw elsewhere ? ccErrors.wrongBucketRegion() : ccErrors.notFound(module.typeName, identifier);
    }
    return {
      TypeName: module.typeName,
      ResourceDescription: { Identifier: identifier, Properties: JSON.stringify(found.resource.model) },
    };
  }
}
