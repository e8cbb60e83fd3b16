// What every service's call builders share: the call shape and the model diffs.
import type { Model } from '../../cloud/types';
import type { ResourceMutation } from '../cloudtrail-events';

/** One API call as CloudTrail records it. */
export type Call = { eventName: string; requestParameters: unknown; responseElements: unknown };
export type Tag = { Key: string; Value: string };

/** The model the call is about (after the change, or before a delete). */
export const model = (m: ResourceMutation): Model => m.after ?? m.before ?? {};

/** Tags added or changed, and keys removed, between two models. */
export function tagDiff(m: ResourceMutation): { set: Tag[]; removed: string[] } {
  const before = new Map(((m.before?.Tags as Tag[]) ?? []).map((t) => [t.Key, t.Value]));
  const after = new Map(((m.after?.Tags as Tag[]) ?? []).map((t) => [t.Key, t.Value]));
  return {
    set: [...after].filter(([k, v]) => before.get(k) !== v).map(([Key, Value]) => ({ Key, Value })),
    removed: [...before.keys()].filter((k) => !after.has(k)),
  };
}

/** Non-tag properties that changed. */
export function changedProperties(m: ResourceMutation): string[] {
  const keys = new Set([...Object.keys(m.before ?? {}), ...Object.keys(m.after ?? {})]);
  return [...keys].filter(
    (k) => k !== 'Tags' && JSON.stringify(m.before?.[k]) !== JSON.stringify(m.after?.[k]),
  );
}
