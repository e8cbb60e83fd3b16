// Opaque NextTokens for ListResources: a cursor (cell, position, page number) bound to one listing
// (account, region, type, state generation) by a checksum, so a token from another listing fails.
import { hash32 } from '../util/hash';

export interface Cursor {
  cell: number;
  position: number;
  page: number;
}

/** Encodes a cursor for the listing identified by `listingKey`. */
export function encodePageToken(listingKey: string, cursor: Cursor): string {
  const body = [cursor.cell, cursor.position, cursor.page].map((n) => n.toString(36)).join('.');
  const check = hash32(`${listingKey}#${body}`).toString(36);
  return Buffer.from(`${body}.${check}`).toString('base64url');
}

/** Decodes a token; undefined when it is malformed or belongs to another listing. */
export function decodePageToken(listingKey: string, token: string): Cursor | undefined {
  const parts = Buffer.from(token, 'base64url').toString('utf8').split('.');
  if (parts.length !== 4) return undefined;
  const [cell, position, page, check] = parts as [string, string, string, string];
  const body = `${cell}.${position}.${page}`;
  if (hash32(`${listingKey}#${body}`).toString(36) !== check) return undefined;
  const cursor = { cell: parseInt(cell, 36), position: parseInt(position, 36), page: parseInt(page, 36) };
  return Object.values(cursor).every((n) => Number.isSafeInteger(n) && n >= 0) ? cursor : undefined;
}
