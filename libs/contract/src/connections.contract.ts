import { z } from 'zod';
import { AWS_REGIONS } from './aws-regions';
import { RESOURCE_TYPES } from './resource-types';
import { accountId, pageOf, requestSchemas, responseSchemas, text, timestamp } from './schema.helpers';

const name = text(200);
const regions = z
  .array(z.enum(AWS_REGIONS, { message: 'must be an AWS region such as us-east-1' }))
  .min(1, 'must name at least one region')
  .max(AWS_REGIONS.length)
  .refine((r) => new Set(r).size === r.length, 'must not repeat a region');
const resourceTypes = z
  .array(z.enum(RESOURCE_TYPES, { message: `must be one of ${RESOURCE_TYPES.join(', ')}` }))
  .min(1, 'must name at least one type (omit the field for every supported type)')
  .max(RESOURCE_TYPES.length)
  .refine((t) => new Set(t).size === t.length, 'must not repeat a type');
const syncIntervalMinutes = z
  .number({ message: 'must be a number of minutes' })
  .int('must be a whole number of minutes')
  .min(5, 'must be at least 5 minutes')
  .max(1440, 'must be at most 1440 minutes (a day)');
const mode = z.enum(['account', 'organization'], { message: 'must be "account" or "organization"' });

/** The role name Tally assumes when none is given (the templates' default). */
export const DEFAULT_ROLE_NAME = 'TallyReadOnly';

/** POST /v1/tenants/{t}/connections */
export const CreateConnection = z
  .strictObject({
    name,
    accountId,
    mode,
    regions,
    resourceTypes: resourceTypes.optional().describe('Omitted: every supported type'),
    syncIntervalMinutes: syncIntervalMinutes.default(60),
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name: 1-64 letters, digits or +=,.@_-')
      .default(DEFAULT_ROLE_NAME),
  })
  .register(requestSchemas, { id: 'CreateConnection' });
export type CreateConnection = z.output<typeof CreateConnection>;

/** PATCH /v1/tenants/{t}/connections/{c} */
export const UpdateConnection = z
  .strictObject({
    name: name.optional(),
    regions: regions.optional(),
    resourceTypes: resourceTypes.optional(),
    syncIntervalMinutes: syncIntervalMinutes.optional(),
    paused: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .refine(
    (v) => Object.keys(v).length > 0,
    'must change at least one of name, regions, resourceTypes, syncIntervalMinutes, paused',
  )
  .register(requestSchemas, { id: 'UpdateConnection' });
export type UpdateConnection = z.output<typeof UpdateConnection>;

/** DELETE …/connections/{c}?confirm=<the connection's name> */
export const DeleteConnectionQuery = z.strictObject({ confirm: text(200).optional() });
export type DeleteConnectionQuery = z.output<typeof DeleteConnectionQuery>;

/** One check of a verification, in words the customer can act on. */
export const VerificationCheck = z.object({
  name: z.string(),
  ok: z.boolean(),
  message: z.string(),
  remediation: z.string().nullable(),
  awsCode: z.string().optional(),
});
export type VerificationCheck = z.infer<typeof VerificationCheck>;

const verificationStatus = z.enum(['active', 'error', 'insecure']);

export const Connection = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    name: z.string(),
    accountId: z.string(),
    mode: z.enum(['account', 'organization']),
    regions: z.array(z.string()),
    resourceTypes: z.array(z.string()),
    roleName: z.string(),
    syncIntervalMinutes: z.number().int(),
    status: z.enum(['pending', 'active', 'error', 'insecure']),
    statusMessage: z.string().nullable(),
    verification: z
      .object({ status: verificationStatus, checks: z.array(VerificationCheck) })
      .nullable()
      .describe('The last verification'),
    verifiedAt: timestamp.nullable(),
    paused: z.boolean(),
    nextSyncAt: timestamp.nullable(),
    lastSyncAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .register(responseSchemas, { id: 'Connection' });
export type Connection = z.infer<typeof Connection>;

/** What a customer needs to deploy the connection's stack. */
export const Onboarding = z
  .object({
    mode: z.enum(['account', 'organization']),
    roleArn: z.string().describe('The role Tally assumes'),
    stackName: z.string(),
    parameters: z
      .object({
        IssuerHost: z.string(),
        Audience: z.string(),
        Subject: z.string(),
        RoleName: z.string(),
        CreateOidcProvider: z.enum(['true', 'false']).optional(),
        OrganizationalUnitIds: z.string().optional(),
        CallAs: z.enum(['SELF', 'DELEGATED_ADMIN']).optional(),
        MembersCreateOidcProvider: z.enum(['true', 'false']).optional(),
      })
      .describe('The stack parameters'),
    templateFile: z.string().describe('The file GET …/cloudformation answers with'),
    templateUrl: z.string().optional().describe('Only when the operator publishes the templates'),
    quickCreateUrl: z.string().optional().describe('The console quick-create link, with templateUrl'),
    cliCommand: z.string().describe('`aws cloudformation deploy …` for the template saved as templateFile'),
  })
  .register(responseSchemas, { id: 'Onboarding' });
export type Onboarding = z.infer<typeof Onboarding>;

export const ConnectionWithOnboarding = Connection.extend({ onboarding: Onboarding }).register(
  responseSchemas,
  { id: 'ConnectionWithOnboarding' },
);
export type ConnectionWithOnboarding = z.infer<typeof ConnectionWithOnboarding>;

export const ConnectionList = pageOf(Connection).register(responseSchemas, { id: 'ConnectionList' });

/** POST …/connections/{c}/verify */
export const Verification = z
  .object({
    status: verificationStatus,
    checks: z.array(VerificationCheck),
    verifiedAt: timestamp,
    connection: Connection,
  })
  .register(responseSchemas, { id: 'Verification' });
export type Verification = z.infer<typeof Verification>;
