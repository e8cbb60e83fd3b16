// AWS::RDS::DBInstance (primary identifier DBInstanceIdentifier). The list handler returns full models.
import { hash32, intBetween, pick, type Rng } from '../util/hash';
import { base36Token, parseBase36Token, type Model, type ResourceTypeModule } from './resource-type';
import { pickPlacement } from './network';
import { withTags } from './tags';

const NAMES = ['orders-db', 'users-db', 'analytics', 'inventory', 'ledger', 'sessions', 'catalog'];
const ENGINES: [engine: string, versions: string[], port: string][] = [
  ['postgres', ['15.8', '16.4', '17.2'], '5432'],
  ['mysql', ['8.0.39', '8.4.3'], '3306'],
  ['mariadb', ['10.11.9', '11.4.4'], '3306'],
];
const CLASSES = [
  'db.t3.micro',
  'db.t3.medium',
  'db.t4g.medium',
  'db.m6g.large',
  'db.r6g.large',
  'db.r6g.xlarge',
];

function resourceId(rng: Rng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = 'db-';
  for (let i = 0; i < 26; i++) out += alphabet[Math.floor(rng() * 32)];
  return out;
}

function endpointHost(identifier: string, accountId: string, region: string): string {
  const zone = (
    hash32(`${accountId}/${region}`).toString(36) + hash32(`${region}/${accountId}`).toString(36)
  ).slice(0, 12);
  return `${identifier}.${zone}.${region}.rds.amazonaws.com`;
}

export const rdsDbInstance: ResourceTypeModule = {
  typeName: 'AWS::RDS::DBInstance',
  identifierProperty: 'DBInstanceIdentifier',
  listsEveryRegion: false,
  partialListModel: false,
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
  formatIdentifier: (value, rng) => `${pick(rng, NAMES)}-${base36Token(value)}`,
  parseIdentifier: parseBase36Token,
  generate({ accountId, region, identifier, rng, tags }) {
    const [engine, versions, port] = pick(rng, ENGINES);
    const placement = pickPlacement(rng, accountId, region);
    const model: Model = {
      DBInstanceIdentifier: identifier,
      Engine: engine,
      EngineVersion: pick(rng, versions),
      DBInstanceClass: pick(rng, CLASSES),
      AllocatedStorage: String(pick(rng, [20, 50, 100, 500])),
      StorageType: 'gp3',
      StorageEncrypted: rng() < 0.9,
      MultiAZ: rng() < 0.4,
      AvailabilityZone: placement.availabilityZone,
      DBSubnetGroupName: `default-${placement.vpcId}`,
      VPCSecurityGroups: placement.securityGroupIds,
      MasterUsername: engine === 'postgres' ? 'postgres' : 'admin',
      BackupRetentionPeriod: pick(rng, [1, 7, 14, 35]),
      PreferredBackupWindow: `0${intBetween(rng, 0, 5)}:00-0${intBetween(rng, 6, 9)}:00`,
      PreferredMaintenanceWindow: `${pick(rng, ['sun', 'mon', 'sat'])}:10:00-${pick(rng, ['sun', 'mon', 'sat'])}:11:00`,
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: true,
      DeletionProtection: rng() < 0.5,
      CopyTagsToSnapshot: true,
      EnablePerformanceInsights: rng() < 0.3,
      CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      DbiResourceId: resourceId(rng),
      Endpoint: { Address: '', Port: port, HostedZoneId: 'Z2R2ITUGPM61AM' },
    };
    return withTags(this.derive(model, accountId, region), tags);
  },
  derive(model, accountId, region) {
    const id = String(model.DBInstanceIdentifier);
    const endpoint = (model.Endpoint as Model | undefined) ?? {};
    return {
      ...model,
      DBInstanceArn: `arn:aws:rds:${region}:${accountId}:db:${id}`,
      Endpoint: { ...endpoint, Address: endpointHost(id, accountId, region) },
    };
  },
  listModel: (full) => full,
};
