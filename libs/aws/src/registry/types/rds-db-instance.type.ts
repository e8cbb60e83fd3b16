import {
  ec2Arn,
  str,
  strings,
  uniqueRelationships,
  type Relationship,
  type ResourceContext,
  type ResourceModel,
  type ResourceTypeDefinition,
} from '../resource-type';

function dbRelationships(m: ResourceModel, ctx: ResourceContext): Relationship[] {
  const out: Relationship[] = strings(m, 'VPCSecurityGroups').map((g) => ({
    type: 'AWS::EC2::SecurityGroup',
    target: ec2Arn(ctx, 'security-group', g),
  }));
  const subnetGroup = str(m, 'DBSubnetGroupName');
  if (subnetGroup) {
    out.push({
      type: 'AWS::RDS::DBSubnetGroup',
      target: `arn:${ctx.partition}:rds:${ctx.region}:${ctx.accountId}:subgrp:${subnetGroup.toLowerCase()}`,
    });
  }
  const key = str(m, 'KmsKeyId');
  if (key) out.push({ type: 'AWS::KMS::Key', target: key });
  return uniqueRelationships(out);
}

/** RDS DB instances: full list models. */
export const rdsDbInstance: ResourceTypeDefinition = {
  type: 'AWS::RDS::DBInstance',
  permissions: {
    list: ['rds:DescribeDBInstances'],
    read: [
      'ec2:DescribeAccountAttributes',
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcAttribute',
      'ec2:DescribeVpcs',
      'rds:DescribeDBInstances',
    ],
  },
  listScope: 'region',
  partialList: false,
  arn: (m, id, ctx) =>
    str(m, 'DBInstanceArn') ?? `arn:${ctx.partition}:rds:${ctx.region}:${ctx.accountId}:db:${id}`,
  name: (m, id) => str(m, 'DBInstanceIdentifier') ?? id,
  relationships: dbRelationships,
};
