// Lambda function calls, with the API-version suffixes CloudTrail records (CreateFunction20150331…).
import { randomBytes, randomUUID } from 'node:crypto';
import type { ResourceMutation } from '../cloudtrail-events';
import { type Call, model, tagDiff, changedProperties } from './call.helpers';

export function lambdaCalls(m: ResourceMutation): Call[] {
  const x = model(m);
  const functionName = m.identifier;
  const functionArn = `arn:aws:lambda:${m.region}:${m.accountId}:function:${functionName}`;
  const config = {
    functionName,
    functionArn,
    runtime: x.Runtime,
    role: x.Role,
    handler: x.Handler,
    codeSize: 1024,
    description: x.Description ?? '',
    timeout: x.Timeout,
    memorySize: x.MemorySize,
    lastModified: new Date().toISOString().replace('Z', '+0000'),
    codeSha256: randomBytes(32).toString('base64'),
    version: '$LATEST',
    tracingConfig: { mode: (x.TracingConfig as { Mode?: string } | undefined)?.Mode ?? 'PassThrough' },
    revisionId: randomUUID(),
    state: m.kind === 'create' ? 'Pending' : 'Active',
    lastUpdateStatus: m.kind === 'create' ? undefined : 'InProgress',
    packageType: 'Zip',
    architectures: x.Architectures ?? ['x86_64'],
    ephemeralStorage: { size: 512 },
  };
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateFunction20150331',
        requestParameters: {
          functionName,
          runtime: x.Runtime,
          role: x.Role,
          handler: x.Handler,
          code: {},
          description: x.Description,
          timeout: x.Timeout,
          memorySize: x.MemorySize,
          publish: false,
        },
        responseElements: config,
      },
    ];
  if (m.kind === 'delete')
    return [
      { eventName: 'DeleteFunction20150331', requestParameters: { functionName }, responseElements: null },
    ];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length)
    calls.push({
      eventName: 'TagResource20170331v2',
      requestParameters: {
        resource: functionArn,
        tags: Object.fromEntries(set.map((t) => [t.Key, t.Value])),
      },
      responseElements: null,
    });
  if (removed.length)
    calls.push({
      eventName: 'UntagResource20170331v2',
      requestParameters: { resource: functionArn, tagKeys: removed },
      responseElements: null,
    });
  const changed = changedProperties(m);
  if (changed.length || !calls.length)
    calls.push({
      eventName: 'UpdateFunctionConfiguration20150331v2',
      requestParameters: {
        functionName,
        ...Object.fromEntries(changed.map((p) => [p[0].toLowerCase() + p.slice(1), m.after?.[p]])),
      },
      responseElements: config,
    });
  return calls;
}
