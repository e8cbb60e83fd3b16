import { z } from 'zod';
import type { Connection } from '@tally/db';
import { AWS_REGIONS } from '../common/aws-regions';
import { named } from '../common/openapi';
import { text } from '../common/params';
import { RESOURCE_TYPES } from '../common/resource-types';

const MAX_REGIONS = AWS_REGIONS.length;

const name = text(200);
const regions = z
  .array(z.enum(AWS_REGIONS, { message: 'must be an AWS region such as us-east-1' }))
  .min(1, 'must name at least one region')
  .max(MAX_REGIONS)
  .refine((r) => new Set(r).size === r.length, 'must not repeat a region');
const resourceTypes = z
  .array(
    z.enum(RESOURCE_TYPES as [string, ...string[]], {
      message: `must be one of ${RESOURCE_TYPES.join(', ')}`,
    }),
  )
  .min(1, 'must name at least one type (omit the field for every supported type)')
  .max(RESOURCE_TYPES.length)
  .refine((t) => new Set(t).size === t.length, 'must not repeat a type');
const syncIntervalMinutes = z
  .number({ message: 'must be a number of minutes' })
  .int('must be a whole number of minutes')
  .min(5, 'must be at least 5 minutes')
  .max(1440, 'must be at most 1440 minutes (a day)');

// Live events (issue 14). H1 moves these into libs/contract.
const homeRegion = z
  .enum(AWS_REGIONS, { message: 'must be an AWS region such as us-east-1' })
  .describe('Where the onboarding stack and the live-event queue go; one of regions (default: the first)');
const liveEvents = z
  .boolean({ message: 'must be true or false' })
  .describe('Read changes from the live-event queue within seconds (default true)');

/** The role name Tally assumes when none is given (the templates' default). */
export const DEFAULT_ROLE_NAME = 'TallyReadOnly';

export const CreateConnection = named(
  'CreateConnection',
  z
    .strictObject({
      name,
      accountId: z.string().regex(/^\d{12}$/, 'must be 12 digits'),
      mode: z.enum(['account', 'organization'], { message: 'must be "account" or "organization"' }),
      regions,
      resourceTypes: resourceTypes.optional().describe('Omitted: every supported type'),
      syncIntervalMinutes: syncIntervalMinutes.default(60),
      roleName: z
        .string()
        .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name: 1-64 letters, digits or +=,.@_-')
        .default(DEFAULT_ROLE_NAME),
      homeRegion: homeRegion.optional(),
      liveEvents: liveEvents.default(true),
    })
    .refine((c) => !c.homeRegion || c.regions.includes(c.homeRegion), {
      path: ['homeRegion'],
      message: 'must be one of regions',
    }),
  'input',
);
export type CreateConnection = z.output<typeof CreateConnection>;

export const UpdateConnection = named(
  'UpdateConnection',
  z
    .strictObject({
      name: name.optional(),
      regions: regions.optional(),
      resourceTypes: resourceTypes.optional(),
      syncIntervalMinutes: syncIntervalMinutes.optional(),
      paused: z.boolean({ message: 'must be true or false' }).optional(),
      homeRegion: homeRegion.optional(),
      liveEvents: liveEvents.optional(),
    })
    .refine(
      (v) => Object.keys(v).length > 0,
      'must change at least one of name, regions, resourceTypes, syncIntervalMinutes, paused, homeRegion, liveEvents',
    ),
  'input',
);
export type UpdateConnection = z.output<typeof UpdateConnection>;

/** DELETE confirmation: `?confirm=<the connection's name>`. */
export const DeleteConnectionQuery = z.strictObject({
  confirm: text(200).optional(),
});

const at = z.iso.datetime();
const ConnectionSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  accountId: z.string(),
  mode: z.enum(['account', 'organization']),
  regions: z.array(z.string()),
  homeRegion: z.string(),
  liveEvents: z.boolean(),
  resourceTypes: z.array(z.string()),
  roleName: z.string(),
  syncIntervalMinutes: z.number().int(),
  status: z.enum(['pending', 'active', 'error', 'insecure']),
  statusMessage: z.string().nullable(),
  verification: z.unknown().nullable().describe('The last verification: { status, checks }'),
  verifiedAt: at.nullable(),
  paused: z.boolean(),
  nextSyncAt: at.nullable(),
  lastSyncAt: at.nullable(),
  createdAt: at,
  updatedAt: at,
});
const Onboarding = z
  .record(z.string(), z.unknown())
  .describe('Role ARN, stack parameters, template URL and quick-create link, or a CLI command');
named('Connection', ConnectionSchema);
named('ConnectionWithOnboarding', ConnectionSchema.extend({ onboarding: Onboarding }));
named('ConnectionList', z.object({ items: z.array(ConnectionSchema), nextCursor: z.string().nullable() }));
const Check = z.object({
  name: z.string(),
  ok: z.boolean(),
  message: z.string(),
  remediation: z.string().nullable(),
});
named(
  'Verification',
  z.object({
    status: z.enum(['active', 'error', 'insecure']),
    checks: z.array(Check),
    verifiedAt: at,
    connection: ConnectionSchema,
  }),
);

/** The connection as the API answers it (every column is public; none holds a secret). */
export function toConnectionView(c: Connection) {
  return {
    id: c.id,
    tenantId: c.tenantId,
    name: c.name,
    accountId: c.accountId,
    mode: c.mode,
    regions: c.regions,
    homeRegion: c.homeRegion ?? c.regions[0],
    liveEvents: c.liveEvents,
    resourceTypes: c.resourceTypes,
    roleName: c.roleName,
    syncIntervalMinutes: c.syncIntervalMinutes,
    status: c.status,
    statusMessage: c.statusMessage,
    verification: c.verification,
    verifiedAt: c.verifiedAt,
    paused: c.paused,
    nextSyncAt: c.nextSyncAt,
    lastSyncAt: c.lastSyncAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
