// ECS cluster calls: CreateCluster, DeleteCluster, UpdateCluster, TagResource / UntagResource.
import type { ResourceMutation } from '../cloudtrail-events';
import { type Call, type Tag, model, tagDiff, changedProperties } from './call.helpers';

export function ecsCalls(m: ResourceMutation): Call[] {
  const x = model(m);
  const clusterName = m.identifier;
  const clusterArn = `arn:aws:ecs:${m.region}:${m.accountId}:cluster/${clusterName}`;
  const cluster = (status: string) => ({
    clusterArn,
    clusterName,
    status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    tags: ((x.Tags as Tag[]) ?? []).map((t) => ({ key: t.Key, value: t.Value })),
    settings: ((x.ClusterSettings as { Name: string; Value: string }[]) ?? []).map((s) => ({
      name: s.Name,
      value: s.Value,
    })),
    capacityProviders: x.CapacityProviders ?? [],
    defaultCapacityProviderStrategy: [],
  });
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateCluster',
        requestParameters: { clusterName, settings: cluster('').settings, tags: cluster('').tags },
        responseElements: { cluster: cluster('ACTIVE') },
      },
    ];
  if (m.kind === 'delete')
    return [
      {
        eventName: 'DeleteCluster',
        requestParameters: { cluster: clusterName },
        responseElements: { cluster: cluster('INACTIVE') },
      },
    ];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length)
    calls.push({
      eventName: 'TagResource',
      requestParameters: { resourceArn: clusterArn, tags: set.map((t) => ({ key: t.Key, value: t.Value })) },
      responseElements: null,
    });
  if (removed.length)
    calls.push({
      eventName: 'UntagResource',
      requestParameters: { resourceArn: clusterArn, tagKeys: removed },
      responseElements: null,
    });
  if (changedProperties(m).length || !calls.length)
    calls.push({
      eventName: 'UpdateCluster',
      requestParameters: { cluster: clusterName, settings: cluster('').settings },
      responseElements: { cluster: cluster('ACTIVE') },
    });
  return calls;
}
