import { Prisma } from '@tally/db';

/**
 * The text the inventory's search index covers: name, identifier and ARN in one value, so one
 * trigram index scan serves `q` instead of a BitmapOr of three (each reading the long posting lists
 * of common trigrams). Must stay, token for token, the expression of `resources_search_idx`
 * (prisma/schema-extras.sql and its migration): PostgreSQL uses an expression index only for the
 * same expression.
 */
const SEARCH_TEXT = Prisma.raw(`(coalesce(name, '') || ' ' || identifier || ' ' || coalesce(arn, ''))`);

/**
 * pg_trgm takes trigrams from runs of letters and digits only. Without a run of three, the index
 * would be read whole (seconds at 1M rows), so the per-field test alone then walks the tenant in id
 * order instead, which stops at the first page of matches.
 */
const HAS_TRIGRAM = /[\p{L}\p{N}]{3}/u;

/** Escapes LIKE's wildcards (and its escape character) so `q` matches as literal text. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Case-insensitive substring `q` of a resource's name, identifier or ARN. The concatenation finds
 * the candidates through the index; the per-field test keeps the exact meaning (a match that
 * straddles two fields of the concatenation is not one).
 */
export function searchCondition(q: string): Prisma.Sql {
  const pattern = `%${likeLiteral(q)}%`;
  const exact = Prisma.sql`(name ILIKE ${pattern} OR identifier ILIKE ${pattern} OR arn ILIKE ${pattern})`;
  return HAS_TRIGRAM.test(q) ? Prisma.sql`(${SEARCH_TEXT} ILIKE ${pattern} AND ${exact})` : exact;
}
