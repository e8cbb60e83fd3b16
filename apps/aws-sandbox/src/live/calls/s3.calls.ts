// S3 bucket calls: CreateBucket, DeleteBucket, PutBucketTagging / DeleteBucketTagging, bucket settings.
import type { ResourceMutation } from '../cloudtrail-events';
import { type Call, type Tag, tagDiff, changedProperties } from './call.helpers';

export function s3Calls(m: ResourceMutation): Call[] {
  const bucketName = m.identifier;
  const base = { bucketName, Host: `${bucketName}.s3.${m.region}.amazonaws.com` };
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateBucket',
        requestParameters: {
          ...base,
          ...(m.region === 'us-east-1'
            ? {}
            : {
                CreateBucketConfiguration: {
                  LocationConstraint: m.region,
                  xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
                },
              }),
        },
        responseElements: null,
      },
    ];
  if (m.kind === 'delete')
    return [{ eventName: 'DeleteBucket', requestParameters: base, responseElements: null }];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length || removed.length) {
    const tags = (m.after?.Tags as Tag[]) ?? [];
    calls.push(
      tags.length
        ? {
            eventName: 'PutBucketTagging',
            requestParameters: {
              ...base,
              tagging: '',
              Tagging: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', TagSet: { Tag: tags } },
            },
            responseElements: null,
          }
        : {
            eventName: 'DeleteBucketTagging',
            requestParameters: { ...base, tagging: '' },
            responseElements: null,
          },
    );
  }
  for (const p of changedProperties(m)) {
    const eventName = {
      VersioningConfiguration: 'PutBucketVersioning',
      BucketEncryption: 'PutBucketEncryption',
      PublicAccessBlockConfiguration: 'PutPublicAccessBlock',
      LifecycleConfiguration: 'PutBucketLifecycle',
    }[p];
    if (eventName)
      calls.push({ eventName, requestParameters: { ...base, [p]: m.after?.[p] }, responseElements: null });
  }
  return calls.length
    ? calls
    : [{ eventName: 'PutBucketVersioning', requestParameters: base, responseElements: null }];
}
