import { z } from 'zod';
import { ValidationError } from '@tally/common';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a forged or stale one is a 400 on `cursor`. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: not base64url JSON
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
}

/** Cuts a keyset query's `limit + 1` rows into a page. */
export function toPage<T>(
  rows: T[],
  limit: number,
  positionOf: (last: T) => Record<string, string>,
): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more ? encodeCursor(positionOf(items[items.length - 1])) : null };
}

export const idCursor = z.strictObject({ id: z.uuid() });
