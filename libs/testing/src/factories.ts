import { randomInt } from 'node:crypto';
import type { PrismaClient, Prisma } from '@tally/db';

let counter = 0;
const next = () => ++counter;

/** A random 12-digit AWS account id. */
export function randomAccountId(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

export function createTenant(prisma: PrismaClient, data: Partial<Prisma.TenantCreateInput> = {}) {
  return prisma.tenant.create({ data: { name: `tenant-${next()}`, ...data } });
}

export function createConnection(
  prisma: PrismaClient,
  tenantId: string,
  data: Partial<Prisma.ConnectionUncheckedCreateInput> = {},
) {
  return prisma.connection.create({
    data: {
      tenantId,
      name: `connection-${next()}`,
      accountId: randomAccountId(),
      mode: 'account',
      regions: ['us-east-1'],
      resourceTypes: [],
      roleName: 'TallyReadOnly',
      ...data,
    },
  });
}

export function createResource(
  prisma: PrismaClient,
  connection: { id: string; tenantId: string; accountId: string },
  data: Partial<Prisma.ResourceUncheckedCreateInput> = {},
) {
  const n = next();
  return prisma.resource.create({
    data: {
      tenantId: connection.tenantId,
      connectionId: connection.id,
      accountId: connection.accountId,
      region: 'us-east-1',
      type: 'AWS::S3::Bucket',
      identifier: `bucket-${n}`,
      name: `bucket-${n}`,
      arn: `arn:aws:s3:::bucket-${n}`,
      properties: { BucketName: `bucket-${n}` },
      propertiesHash: n.toString(16).padStart(64, '0'),
      ...data,
    },
  });
}
