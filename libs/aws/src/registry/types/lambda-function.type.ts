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

function functionRelationships(m: ResourceModel, ctx: ResourceContext): Relationship[] {
  const out: Relationship[] = [];
  const role = str(m, 'Role');
  if (role) out.push({ type: 'AWS::IAM::Role', target: role });
  const vpc = (m.VpcConfig ?? undefined) as ResourceModel | undefined;
  for (const s of strings(vpc, 'SubnetIds'))
    out.push({ type: 'AWS::EC2::Subnet', target: ec2Arn(ctx, 'subnet', s) });
  for (const g of strings(vpc, 'SecurityGroupIds')) {
    out.push({ type: 'AWS::EC2::SecurityGroup', target: ec2Arn(ctx, 'security-group', g) });
  }
  const key = str(m, 'KmsKeyArn');
  if (key) out.push({ type: 'AWS::KMS::Key', target: key });
  return uniqueRelationships(out);
}

/** Lambda functions: the list handler returns only the function name (partial). */
export const lambdaFunction: ResourceTypeDefinition = {
  type: 'AWS::Lambda::Function',
  permissions: {
    list: ['lambda:ListFunctions'],
    read: [
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetRuntimeManagementConfig',
    ],
  },
  listScope: 'region',
  partialList: true,
  arn: (m, id, ctx) =>
    str(m, 'Arn') ?? `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:${id}`,
  name: (m, id) => str(m, 'FunctionName') ?? id,
  relationships: functionRelationships,
};
