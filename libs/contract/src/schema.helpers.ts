import { z } from 'zod';

/** Named request schemas: each becomes an OpenAPI component, read as input (defaults optional). */
export const requestSchemas = z.registry<{ id: string }>();
/** Named response schemas: each becomes an OpenAPI component, read as output (what goes on the wire). */
export const responseSchemas = z.registry<{ id: string }>();

/**
 * A timestamp in a response: the server hands it a Date, the wire carries an ISO 8601 string.
 * `z.input` of a response schema is what the api's mappers build; `z.output` is the JSON clients read.
 */
// The wire side is a string documented as date-time: toISOString() always writes one, so checking
// it again with z.iso.datetime()'s pattern on every answer would only cost time.
export const timestamp = z.codec(z.date(), z.string().meta({ format: 'date-time' }), {
  decode: (d) => d.toISOString(),
  encode: (s) => new Date(s),
});

/** Most items a list answers with, and the default. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

/** `?limit=&cursor=` shared by every list. */
export const pageQueryShape = {
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this API returned')
    .optional(),
};

export const PageQuery = z.strictObject(pageQueryShape);
export type PageQuery = z.output<typeof PageQuery>;

/** A page of a list, as every list answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A page of `item`: `{ items, nextCursor }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

// PostgreSQL rejects NUL in text, and control characters have no business in names: refuse them
// here (400) rather than let the database answer (500).
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

/** A trimmed, length-limited string without control characters. */
export function text(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max)
    .regex(NO_CONTROL_CHARS, 'must not contain control characters');
}

export const accountId = z.string().regex(/^\d{12}$/, 'must be 12 digits');
