// A few VPCs, subnets and security groups per (account, region), derived from their names, so
// EC2 instances, Lambda functions and RDS instances point at a consistent, small network.
import { hash32, intBetween, type Rng } from '../util/hash';

function awsId(prefix: string, key: string): string {
  const a = hash32(key).toString(16).padStart(8, '0');
  const b = hash32(`${key}#2`).toString(16).padStart(8, '0');
  return `${prefix}-0${a}${b}`;
}

export interface Placement {
  vpcId: string;
  subnetId: string;
  securityGroupIds: string[];
  availabilityZone: string;
  /** Second octet/third octet of the subnet's 10.x.y.0/24 block. */
  cidr: [number, number];
}

/** Picks a VPC (of 3), a subnet (of 4) and 1-2 security groups (of 5) in this account and region. */
export function pickPlacement(rng: Rng, accountId: string, region: string): Placement {
  const vpc = intBetween(rng, 0, 2);
  const subnet = intBetween(rng, 0, 3);
  const sg = intBetween(rng, 0, 4);
  const groups = [awsId('sg', `${accountId}/${region}/vpc${vpc}/sg${sg}`)];
  if (rng() < 0.3) groups.push(awsId('sg', `${accountId}/${region}/vpc${vpc}/sg${(sg + 1) % 5}`));
  return {
    vpcId: awsId('vpc', `${accountId}/${region}/vpc${vpc}`),
    subnetId: awsId('subnet', `${accountId}/${region}/vpc${vpc}/subnet${subnet}`),
    securityGroupIds: groups,
    availabilityZone: `${region}${'abcd'[subnet % 4]}`,
    cidr: [vpc * 16 + 1, subnet * 16],
  };
}

/** A private IPv4 address inside the placement's subnet. */
export function privateIp(rng: Rng, placement: Placement): string {
  return `10.${placement.cidr[0]}.${placement.cidr[1] + intBetween(rng, 0, 15)}.${intBetween(rng, 4, 250)}`;
}
