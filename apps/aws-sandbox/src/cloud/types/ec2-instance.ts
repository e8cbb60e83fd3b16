// AWS::EC2::Instance (primary identifier InstanceId). The list handler returns full models.
import { hexString, intBetween, pick } from '../util/hash';
import type { Model, ResourceTypeModule } from './resource-type';
import { pickPlacement, privateIp } from './network';
import { withTags } from './tags';

const INSTANCE_TYPES = [
  't3.micro',
  't3.small',
  't3.medium',
  'm6i.large',
  'm6i.xlarge',
  'c6g.large',
  'r6i.large',
  't4g.small',
];
const KEY_NAMES = ['deploy', 'ops', 'bastion'];

function dnsSuffix(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

export const ec2Instance: ResourceTypeModule = {
  typeName: 'AWS::EC2::Instance',
  identifierProperty: 'InstanceId',
  listsEveryRegion: false,
  partialListModel: false,
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
  // i- + 17 hex digits; the last 8 carry the value, the rest is noise.
  formatIdentifier: (value, rng) => `i-0${hexString(rng, 8)}${value.toString(16).padStart(8, '0')}`,
  parseIdentifier: (id) => (/^i-[0-9a-f]{17}$/.test(id) ? parseInt(id.slice(-8), 16) : undefined),
  generate({ accountId, region, identifier, rng, tags }) {
    const placement = pickPlacement(rng, accountId, region);
    const ip = privateIp(rng, placement);
    const running = rng() < 0.85;
    const model: Model = {
      InstanceId: identifier,
      ImageId: `ami-0${hexString(rng, 16)}`,
      InstanceType: pick(rng, INSTANCE_TYPES),
      AvailabilityZone: placement.availabilityZone,
      SubnetId: placement.subnetId,
      VpcId: placement.vpcId,
      SecurityGroupIds: placement.securityGroupIds,
      PrivateIpAddress: ip,
      PrivateIp: ip,
      PrivateDnsName: `ip-${ip.replaceAll('.', '-')}.${dnsSuffix(region)}`,
      State: running ? { Code: '16', Name: 'running' } : { Code: '80', Name: 'stopped' },
      Monitoring: rng() < 0.2,
      EbsOptimized: rng() < 0.6,
      Tenancy: 'default',
      SourceDestCheck: true,
      DisableApiTermination: rng() < 0.1,
      InstanceInitiatedShutdownBehavior: 'stop',
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: {
            VolumeSize: pick(rng, [8, 20, 50, 100]),
            VolumeType: 'gp3',
            DeleteOnTermination: true,
            Encrypted: rng() < 0.8,
          },
        },
      ],
    };
    if (rng() < 0.6) model.KeyName = pick(rng, KEY_NAMES);
    if (running && rng() < 0.3) {
      const publicIp = `${intBetween(rng, 3, 54)}.${intBetween(rng, 0, 255)}.${intBetween(rng, 0, 255)}.${intBetween(rng, 1, 254)}`;
      model.PublicIp = publicIp;
      model.PublicDnsName = `ec2-${publicIp.replaceAll('.', '-')}.${region === 'us-east-1' ? 'compute-1' : `${region}.compute`}.amazonaws.com`;
    }
    if (rng() < 0.4) model.IamInstanceProfile = `ec2-app-profile-${intBetween(rng, 1, 3)}`;
    return withTags(model, tags);
  },
  derive: (model) => model,
  listModel: (full) => full,
};
