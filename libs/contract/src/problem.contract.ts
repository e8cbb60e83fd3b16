import { z } from 'zod';
import { responseSchemas } from './schema.helpers';

/** One invalid field of a 400: `field` is the dotted path (`regions.0`), `message` the reason. */
export const FieldError = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** Every error answer: application/problem+json (RFC 9457). */
export const Problem = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().optional(),
    requestId: z.string().optional(),
    remediation: z.string().optional().describe('What the caller can do about it'),
    errors: z.array(FieldError).optional(),
    oldestCursor: z.string().optional().describe('410 on the change feed: the oldest cursor still readable'),
  })
  .register(responseSchemas, { id: 'Problem' });
export type Problem = z.infer<typeof Problem>;
