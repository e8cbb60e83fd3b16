// Deterministic, realistic tags (Cloud Control shape: [{Key, Value}]).
import { pick, type Rng } from '../util/hash';
import type { Tag } from './resource-type';

const ENVIRONMENTS = ['prod', 'staging', 'dev', 'test'];
const TEAMS = ['payments', 'platform', 'data', 'growth', 'identity', 'search', 'billing'];
const OWNERS = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank'];

/** 1 to 4 tags drawn from common tagging conventions. */
export function generateTags(rng: Rng): Tag[] {
  const tags: Tag[] = [{ Key: 'Environment', Value: pick(rng, ENVIRONMENTS) }];
  if (rng() < 0.8) tags.push({ Key: 'Team', Value: pick(rng, TEAMS) });
  if (rng() < 0.5) tags.push({ Key: 'CostCenter', Value: `cc-${1000 + Math.floor(rng() * 9000)}` });
  if (rng() < 0.3) tags.push({ Key: 'Owner', Value: `${pick(rng, OWNERS)}@example.com` });
  return tags;
}

/** Accepts tags as `[{Key, Value}]` or a `{key: value}` map. */
export function normalizeTags(input: unknown): Tag[] | undefined {
  if (input === undefined || input === null) return undefined;
  if (Array.isArray(input)) {
    return input.map((t) => ({ Key: String((t as Tag).Key), Value: String((t as Tag).Value ?? '') }));
  }
  if (typeof input === 'object') {
    return Object.entries(input as Record<string, unknown>).map(([Key, Value]) => ({
      Key,
      Value: String(Value),
    }));
  }
  return undefined;
}

/** Puts `tags` on a model as `Tags`, omitting the property when there are none (as AWS does). */
export function withTags<T extends Record<string, unknown>>(model: T, tags: Tag[]): T {
  if (tags.length) (model as Record<string, unknown>).Tags = tags;
  return model;
}
