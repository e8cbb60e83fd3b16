// What each resource type module provides: identifiers, a realistic full model (shapes from the
// CloudFormation registry schemas), the list handler's model, and the handlers' IAM permissions.
import type { Rng } from '../util/hash';
import type { ResourceTypeName } from './type-names';

export type Model = Record<string, unknown>;
export type Tag = { Key: string; Value: string };

/** Inputs for generating one resource; `rng` is seeded from (seed, account, region, type, index). */
export interface GenerateInput {
  accountId: string;
  region: string;
  identifier: string;
  rng: Rng;
  /** Tags to put on the model (may be empty). */
  tags: Tag[];
}

export interface ResourceTypeModule {
  typeName: ResourceTypeName;
  /** The property that is the primary identifier in the registry schema. */
  identifierProperty: string;
  /** S3: ListResources returns the account's buckets of every region; GetResource works only in the home region. */
  listsEveryRegion: boolean;
  /** The list handler returns a partial model (full only through GetResource). */
  partialListModel: boolean;
  /** `handlers.list.permissions` / `handlers.read.permissions` of the official schema. */
  permissions: { list: readonly string[]; read: readonly string[] };
  /** Formats a unique 32-bit value into an identifier (with a realistic name part drawn from `rng`). */
  formatIdentifier(value: number, rng: Rng, accountId: string): string;
  /** Recovers the 32-bit value from an identifier, or undefined when it cannot be one of ours. */
  parseIdentifier(identifier: string): number | undefined;
  /** The full model as GetResource returns it. */
  generate(input: GenerateInput): Model;
  /** Recomputes read-only derived properties (Arn, endpoints…) after an edit. */
  derive(model: Model, accountId: string, region: string): Model;
  /** The model the list handler returns. */
  listModel(full: Model): Model;
}

/** Encodes a 32-bit value as 7 base-36 characters (names stay short and lowercase). */
export function base36Token(value: number): string {
  return value.toString(36).padStart(7, '0');
}

/** Reads the trailing 7-character base-36 token after the last `-`. */
export function parseBase36Token(identifier: string): number | undefined {
  const token = identifier.slice(identifier.lastIndexOf('-') + 1);
  if (!/^[0-9a-z]{7}$/.test(token)) return undefined;
  const value = parseInt(token, 36);
  return value <= 0xffffffff ? value : undefined;
}
