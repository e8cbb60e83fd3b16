// AWS::ECS::Cluster (primary identifier ClusterName). The list handler's model is partial.
import { pick } from '../util/hash';
import { base36Token, parseBase36Token, type Model, type ResourceTypeModule } from './resource-type';
import { withTags } from './tags';

const NAMES = [
  'payments',
  'checkout',
  'platform',
  'batch-jobs',
  'web',
  'internal-tools',
  'ml-inference',
  'workers',
];
const STAGES = ['prod', 'staging', 'dev'];

export const ecsCluster: ResourceTypeModule = {
  typeName: 'AWS::ECS::Cluster',
  identifierProperty: 'ClusterName',
  listsEveryRegion: false,
  partialListModel: true,
  permissions: {
    list: ['ecs:DescribeClusters', 'ecs:ListClusters'],
    read: ['ecs:DescribeClusters', 'kms:DescribeKey'],
  },
  formatIdentifier: (value, rng) => `${pick(rng, NAMES)}-${pick(rng, STAGES)}-${base36Token(value)}`,
  parseIdentifier: parseBase36Token,
  generate({ accountId, region, identifier, rng, tags }) {
    const fargate = rng() < 0.7;
    const model: Model = {
      ClusterName: identifier,
      CapacityProviders: fargate ? ['FARGATE', 'FARGATE_SPOT'] : [],
      ClusterSettings: [{ Name: 'containerInsights', Value: pick(rng, ['enabled', 'disabled', 'enhanced']) }],
      DefaultCapacityProviderStrategy: fargate ? [{ CapacityProvider: 'FARGATE', Weight: 1, Base: 0 }] : [],
      Configuration: { ExecuteCommandConfiguration: { Logging: 'DEFAULT' } },
    };
    return withTags(this.derive(model, accountId, region), tags);
  },
  derive: (model, accountId, region) => ({
    ...model,
    Arn: `arn:aws:ecs:${region}:${accountId}:cluster/${String(model.ClusterName)}`,
  }),
  listModel: (full) => ({ Arn: full.Arn, ClusterName: full.ClusterName }),
};
