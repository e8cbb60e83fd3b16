import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth (array order is meaningful and kept). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 (hex) of the normalized properties: equal models hash equally whatever their key order. */
export function propertiesHash(properties: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(properties)).digest('hex');
}
