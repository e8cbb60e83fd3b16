// The scenario document: who exists (organization / accounts), where (regions), what (resource
// counts, generated deterministically from `seed`), and how the fake AWS behaves (latency,
// throttling, faults, unsupported and denied pairs).
import { z } from 'zod';
import { RESOURCE_TYPE_NAMES } from '../types/type-names';

const accountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region looks like us-east-1');
const typeName = z.enum(RESOURCE_TYPE_NAMES);

export const accountStatusSchema = z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']);

const orgAccountSchema = z.object({
  id: accountId,
  name: z.string().min(1).max(50),
  email: z.email(),
  status: accountStatusSchema.default('ACTIVE'),
  joinedMethod: z.enum(['INVITED', 'CREATED']).default('CREATED'),
  /** Epoch seconds; defaults to a value derived from the seed. */
  joinedTimestamp: z.number().optional(),
});

const organizationSchema = z.object({
  /** `o-` + 10 to 32 lowercase letters/digits; derived from the seed when absent. */
  id: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/)
    .optional(),
  managementAccountId: accountId,
  /** Every member, the management account included (added automatically when missing). */
  accounts: z.array(orgAccountSchema).min(1),
});

const countsSchema = z.partialRecord(typeName, z.number().int().min(0));

const resourcesSchema = z.object({
  /** Resources of each type per (account, region); S3 buckets count in their home region. */
  perAccountRegion: countsSchema.default({}),
  /** Instead of (or on top of) `perAccountRegion`: this many resources spread deterministically. */
  total: z.number().int().min(0).optional(),
  /** Exact counts for chosen (account?, region?, type?) cells; the most specific match wins. */
  overrides: z
    .array(
      z.object({
        accountId: accountId.optional(),
        region: region.optional(),
        type: typeName.optional(),
        count: z.number().int().min(0),
      }),
    )
    .default([]),
  /** Share of resources that carry tags (0..1). */
  taggedRatio: z.number().min(0).max(1).default(0.7),
});

const throttleRuleSchema = z.object({
  accountId: accountId.optional(),
  region: region.optional(),
  /** SigV4 signing name: `cloudcontrolapi` or `organizations`. */
  service: z.string().optional(),
  ratePerSecond: z.number().positive(),
  burst: z.number().int().min(1),
});

export const throttleSchema = z.object({
  /** Default bucket for every (account, region, service); null = unlimited. */
  ratePerSecond: z.number().positive().nullable().default(null),
  burst: z.number().int().min(1).default(10),
  /** More specific buckets (the most specific matching rule wins). */
  rules: z.array(throttleRuleSchema).default([]),
});

const faultsSchema = z.object({
  /** Probability (0..1) that a Cloud Control call fails with HandlerInternalFailureException. */
  handlerInternalFailureRate: z.number().min(0).max(1).default(0),
});

export const pagingSchema = z.object({
  /** Cloud Control ignores MaxResults: page sizes vary between 0 and this. */
  maxPageSize: z.number().int().min(1).max(1000).default(100),
  /** Probability of an empty page that still carries a NextToken. */
  emptyPageRate: z.number().min(0).max(0.9).default(0.1),
});

export const scenarioSchema = z
  .object({
    seed: z.union([z.string(), z.number()]).transform(String).default('tally'),
    organization: organizationSchema.nullable().default(null),
    /** Standalone accounts (used when there is no organization; merged with org members otherwise). */
    accounts: z.array(z.object({ id: accountId, name: z.string().optional() })).default([]),
    regions: z.array(region).min(1).default(['us-east-1']),
    resources: resourcesSchema.prefault({}),
    /** Mean added latency per call; each call gets up to ±`latencyJitterMs`. */
    latencyMs: z.number().min(0).default(0),
    latencyJitterMs: z.number().min(0).optional(),
    throttle: throttleSchema.prefault({}),
    faults: faultsSchema.prefault({}),
    paging: pagingSchema.prefault({}),
    unsupported: z.array(z.object({ type: typeName, region })).default([]),
    denied: z.array(z.object({ accountId, type: typeName })).default([]),
  })
  .superRefine((s, ctx) => {
    if (!s.organization && s.accounts.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'give an organization or at least one account',
        path: ['accounts'],
      });
    }
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type OrgAccount = z.output<typeof orgAccountSchema>;
export type ThrottleSettings = z.output<typeof throttleSchema>;
export type AccountStatus = z.output<typeof accountStatusSchema>;
