// Resources shaped like Cloud Control's models (as the sandbox serves them) and an Organizations
// account: what a preview runs on when the tenant picks none, and what the tests and benchmark map.
import { ORGANIZATIONS_ACCOUNT_KIND, type MappableResource } from './mapping.types';

const ACCOUNT = '123456789012';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const tags = (i: number) => [
  { Key: 'env', Value: i % 3 ? 'prod' : 'dev' },
  { Key: 'team', Value: `team-${i % 7}` },
];

const BUILDERS: ((i: number, region: string) => MappableResource)[] = [
  (i, region) => {
    const name = `tally-sample-bucket-${i}`;
    return res('AWS::S3::Bucket', name, region, {
      BucketName: name,
      Arn: `arn:aws:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
      DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true },
      VersioningConfiguration: { Status: 'Enabled' },
      Tags: tags(i),
    });
  },
  (i, region) => {
    const id = `i-0${(0xabc00000 + i).toString(16).padStart(16, '0')}`;
    const ip = `10.0.${(i >> 8) & 255}.${i & 255}`;
    // Cloud Control's EC2 instance model has no Arn.
    return res('AWS::EC2::Instance', id, region, {
      InstanceId: id,
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: i % 2 ? 't3.micro' : 'm6i.large',
      AvailabilityZone: `${region}a`,
      SubnetId: 'subnet-0a1b2c3d4e5f60718',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      SecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
      PrivateIpAddress: ip,
      State: { Code: '16', Name: 'running' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
      Tags: tags(i),
    });
  },
  (i, region) => {
    const name = `sample-cluster-${i}`;
    return res('AWS::ECS::Cluster', name, region, {
      ClusterName: name,
      Arn: `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${name}`,
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      Tags: tags(i),
    });
  },
  (i, region) => {
    const name = `orders-api-${i.toString(36)}`;
    return res('AWS::Lambda::Function', name, region, {
      FunctionName: name,
      Arn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`,
      Role: `arn:aws:iam::${ACCOUNT}:role/orders-lambda-role`,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      Architectures: ['arm64'],
      Environment: { Variables: { LOG_LEVEL: 'info' } },
      Tags: tags(i),
    });
  },
  (i, region) => {
    const id = `orders-db-${i.toString(36)}`;
    return res('AWS::RDS::DBInstance', id, region, {
      DBInstanceIdentifier: id,
      DBInstanceArn: `arn:aws:rds:${region}:${ACCOUNT}:db:${id}`,
      Engine: 'postgres',
      EngineVersion: '16.3',
      DBInstanceClass: 'db.t4g.medium',
      AllocatedStorage: '100',
      MultiAZ: i % 2 === 0,
      Endpoint: { Address: `${id}.abcdefghij.${region}.rds.amazonaws.com`, Port: '5432' },
      Tags: tags(i),
    });
  },
];

function res(
  type: string,
  identifier: string,
  region: string,
  properties: Record<string, unknown>,
): MappableResource {
  return { type, identifier, region, accountId: ACCOUNT, properties };
}

/** An Organizations member account as the `AWS::Organizations::Account` kind carries it. */
export function sampleAccount(i = 0): MappableResource {
  const id = String(210987654321 + i);
  return {
    type: ORGANIZATIONS_ACCOUNT_KIND,
    identifier: id,
    region: 'us-east-1',
    accountId: id,
    properties: {
      Id: id,
      Arn: `arn:aws:organizations::${ACCOUNT}:account/o-a1b2c3d4e5/${id}`,
      Email: `aws+member-${i}@example.com`,
      Name: `member-${i}`,
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: '2024-03-01 09:30:00.123000+00:00',
    },
  };
}

/** `count` resources cycling through the five resource types and the regions. */
export function sampleResources(count: number): MappableResource[] {
  return Array.from({ length: count }, (_, i) =>
    BUILDERS[i % BUILDERS.length](Math.floor(i / BUILDERS.length), REGIONS[i % REGIONS.length]),
  );
}
