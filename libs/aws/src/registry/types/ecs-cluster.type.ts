import { str, type ResourceTypeDefinition } from '../resource-type';

/** ECS clusters: the list handler returns only the cluster ARN (partial). */
export const ecsCluster: ResourceTypeDefinition = {
  type: 'AWS::ECS::Cluster',
  permissions: {
    list: ['ecs:DescribeClusters', 'ecs:ListClusters'],
    read: ['ecs:DescribeClusters', 'kms:DescribeKey'],
  },
  listScope: 'region',
  partialList: true,
  arn: (m, id, ctx) =>
    str(m, 'Arn') ??
    (id.startsWith('arn:') ? id : `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}:cluster/${id}`),
  name: (m, id) => str(m, 'ClusterName') ?? id.split('/').pop() ?? id,
  relationships: () => [],
};
