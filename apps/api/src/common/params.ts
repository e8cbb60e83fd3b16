import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { NotFoundError } from '@tally/common';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@tally/tenancy';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: 404, the same answer as a missing object. */
export class IdParam implements PipeTransform<unknown, string> {
  constructor(private readonly what: string) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new NotFoundError(this.what);
    return value.toLowerCase();
  }
}

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
