import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth (array order is meaningful and kept). Stored
 * properties_hash values are SHA-256 of this text: its output must never change for an input.
 * Built in one pass (no per-level arrays of entries): it runs for every resource of every sync.
 */
export function canonicalJson(value: unknown): string {
  if (!value || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      if (i in value) out += canonicalJson(value[i]); // a hole stays empty, as Array#join wrote it
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** SHA-256 (hex) of the normalized properties: equal models hash equally whatever their key order. */
export function propertiesHash(properties: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(properties)).digest('hex');
}
