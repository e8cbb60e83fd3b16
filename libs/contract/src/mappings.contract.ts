import { z } from 'zod';
import { mappingText } from './destinations.contract';
import { requestSchemas, responseSchemas } from './schema.helpers';

/** Most resources one preview maps. */
export const MAX_PREVIEW_RESOURCES = 100;

/** POST /v1/tenants/{t}/mappings/preview */
export const MappingPreviewRequest = z
  .strictObject({
    mapping: mappingText,
    resourceIds: z
      .array(z.uuid({ message: 'must be a resource id (UUID)' }))
      .min(1)
      .max(MAX_PREVIEW_RESOURCES)
      .optional()
      .describe(
        `Without it: up to ${MAX_PREVIEW_RESOURCES} of the tenant's resources, or sample resources when it has none`,
      ),
  })
  .register(requestSchemas, { id: 'MappingPreviewRequest' });
export type MappingPreviewRequest = z.output<typeof MappingPreviewRequest>;

export const MappedEntity = z.object({
  index: z.number().int().describe("The input's position"),
  kind: z.string(),
  mapping: z.number().int().describe('The mapping entry (resources[n])'),
  resourceId: z.uuid().nullable().describe("The tenant's resource (null for a sample)"),
  entity: z.object({
    identifier: z.string(),
    title: z.string().nullable(),
    blueprint: z.string(),
    properties: z.record(z.string(), z.unknown()),
    relations: z.record(z.string(), z.unknown()),
    team: z.unknown().optional(),
    icon: z.unknown().optional(),
  }),
});

export const MappingEntityError = z.object({
  index: z.number().int(),
  kind: z.string(),
  mapping: z.number().int(),
  identifier: z.string().nullable(),
  field: z.string().describe('selector.query, identifier, properties.<key>, … or batch'),
  message: z.string().describe("jq's own error text"),
});

export const MappingPreview = z
  .object({
    input: z.enum(['tenant', 'samples']).describe("What was mapped: the tenant's resources or samples"),
    entities: z.array(MappedEntity),
    errors: z.array(MappingEntityError),
  })
  .register(responseSchemas, { id: 'MappingPreview' });
export type MappingPreview = z.infer<typeof MappingPreview>;
