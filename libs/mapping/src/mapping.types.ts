// The shapes a mapping takes in and gives out; shared by the compiler (main thread) and the jq worker.

/** The one kind that is not a Cloud Control type: an Organizations member account. */
export const ORGANIZATIONS_ACCOUNT_KIND = 'AWS::Organizations::Account';

/** A mapping that cannot be saved: where (YAML path), for which kind, and why (jq's own text). */
export interface MappingIssue {
  /** e.g. `resources[2].port.entity.mappings.identifier`; `(yaml)` for a document that does not parse. */
  path: string;
  kind: string | null;
  message: string;
}

/**
 * What a mapping reads: Tally's normalized resource (only these fields are used). For
 * `AWS::Organizations::Account`, `properties` is the Organizations `Account` object
 * (`Id, Arn, Email, Name, Status, JoinedMethod, JoinedTimestamp`) and is the jq input as it is.
 */
export interface MappableResource {
  type: string;
  identifier: string;
  region: string;
  accountId: string;
  properties: Record<string, unknown>;
}

/** A Port entity as the mapping built it. */
export interface PortEntity {
  identifier: string;
  title: string | null;
  blueprint: string;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  team?: unknown;
  icon?: unknown;
}

/** One entity and where it came from: the input's position and the mapping entry (`resources[n]`). */
export interface MappedEntity {
  index: number;
  kind: string;
  mapping: number;
  entity: PortEntity;
}

/** Why one input gave no entity for one mapping entry (the other entries and inputs are unaffected). */
export interface MappingEntityError {
  index: number;
  kind: string;
  mapping: number;
  /** The input resource's identifier (Tally's), when it has one. */
  identifier: string | null;
  /** `selector.query`, `identifier`, `properties.region`, … or `batch` when the whole batch failed. */
  field: string;
  message: string;
}

export interface MappingResult {
  entities: MappedEntity[];
  errors: MappingEntityError[];
}

/** One mapped field: where it goes in the entity and its jq expression. */
export interface FieldSpec {
  /** `identifier`, `title`, `blueprint`, `team`, `icon`, `properties.<key>` or `relations.<key>`. */
  field: string;
  expr: string;
}

/** One `resources[n]` entry of a kind, compiled: its fields in the order the program emits them. */
export interface EntitySpec {
  mapping: number;
  selector: string;
  fields: FieldSpec[];
}

/** Every entry of one kind as one jq program run over an array of inputs. */
export interface KindProgram {
  kind: string;
  program: string;
  entities: EntitySpec[];
}
