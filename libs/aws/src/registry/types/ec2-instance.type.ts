import {
  ec2Arn,
  str,
  strings,
  tagsFromModel,
  uniqueRelationships,
  type Relationship,
  type ResourceContext,
  type ResourceModel,
  type ResourceTypeDefinition,
} from '../resource-type';

function instanceRelationships(m: ResourceModel, ctx: ResourceContext): Relationship[] {
  const out: Relationship[] = [];
  const vpc = str(m, 'VpcId');
  if (vpc) out.push({ type: 'AWS::EC2::VPC', target: ec2Arn(ctx, 'vpc', vpc) });
  const subnets = [str(m, 'SubnetId')];
  const groups = strings(m, 'SecurityGroupIds');
  const nics = Array.isArray(m.NetworkInterfaces) ? (m.NetworkInterfaces as ResourceModel[]) : [];
  for (const nic of nics) {
    subnets.push(str(nic, 'SubnetId'));
    groups.push(...strings(nic, 'GroupSet'));
  }
  for (const s of subnets) if (s) out.push({ type: 'AWS::EC2::Subnet', target: ec2Arn(ctx, 'subnet', s) });
  for (const g of groups)
    out.push({ type: 'AWS::EC2::SecurityGroup', target: ec2Arn(ctx, 'security-group', g) });
  const image = str(m, 'ImageId');
  if (image)
    out.push({ type: 'AWS::EC2::Image', target: `arn:${ctx.partition}:ec2:${ctx.region}::image/${image}` });
  return uniqueRelationships(out);
}

/** EC2 instances: full list models; no ARN property, so it is built from the instance id. */
export const ec2Instance: ResourceTypeDefinition = {
  type: 'AWS::EC2::Instance',
  permissions: {
    list: ['ec2:DescribeInstances'],
    read: [
      'ec2:DescribeElasticGpus',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVolumes',
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceAttribute',
      'ec2:DescribeInstanceCreditSpecifications',
      'ec2:DescribeLaunchTemplates',
      'elastic-inference:DescribeAccelerators',
      'ssm:DescribeAssociation',
      'ssm:ListAssociations',
    ],
  },
  listScope: 'region',
  partialList: false,
  arn: (m, id, ctx) => ec2Arn(ctx, 'instance', str(m, 'InstanceId') ?? id),
  name: (m, id) => tagsFromModel(m).Name ?? str(m, 'InstanceId') ?? id,
  relationships: instanceRelationships,
};
