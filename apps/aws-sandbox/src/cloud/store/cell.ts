// One (account, region, type) cell of the inventory. Generated resources are only a count: their
// identifiers and properties are recomputed from (seed, cell, index) on demand. Only mutations are
// stored: deleted indexes, edited models, and resources created through the control endpoints.
import { avalanche, createRng, hash32, scramble, unscramble, type Rng } from '../util/hash';
import { RESOURCE_TYPES, type Model, type ResourceTypeModule, type ResourceTypeName } from '../types';
import { generateTags } from '../types/tags';

export interface LiveResource {
  identifier: string;
  model: Model;
}

interface CreatedEntry {
  identifier: string;
  model: Model;
  deleted: boolean;
}

/** A position in a cell's virtual list: [0, generated) are generated indexes, then created entries. */
export type Position = number;

export class Cell {
  readonly module: ResourceTypeModule;
  readonly salt: number;
  private deleted: Set<number> | null = null;
  private edited: Map<number, Model> | null = null;
  private created: CreatedEntry[] = [];
  private createdById = new Map<string, number>();
  private liveCreated = 0;

  constructor(
    readonly seed: string,
    readonly accountId: string,
    readonly region: string,
    readonly type: ResourceTypeName,
    readonly generated: number,
    private readonly taggedRatio: number,
  ) {
    this.module = RESOURCE_TYPES[type];
    this.salt = hash32(`${seed}|${accountId}|${region}|${type}`);
  }

  /** Number of resources that exist now. */
  get liveCount(): number {
    return this.generated - (this.deleted?.size ?? 0) + this.liveCreated;
  }

  /** End of the virtual list (exclusive). */
  get end(): Position {
    return this.generated + this.created.length;
  }

  /** The live resource at a position, or undefined when that slot is deleted. */
  at(position: Position): LiveResource | undefined {
    if (position < this.generated) {
      if (this.deleted?.has(position)) return undefined;
      return this.generatedAt(position);
    }
    const entry = this.created[position - this.generated];
    return entry && !entry.deleted ? { identifier: entry.identifier, model: entry.model } : undefined;
  }

  /** True when the slot at `position` holds a live resource (cheap: generates nothing). */
  isLive(position: Position): boolean {
    if (position < this.generated) return !this.deleted?.has(position);
    const entry = this.created[position - this.generated];
    return entry !== undefined && !entry.deleted;
  }

  /** Finds a live resource by identifier without scanning: generated identifiers decode to their index. */
  find(identifier: string): { position: Position; resource: LiveResource } | undefined {
    const createdPos = this.createdById.get(identifier);
    if (createdPos !== undefined) {
      const entry = this.created[createdPos]!;
      return entry.deleted
        ? undefined
        : { position: this.generated + createdPos, resource: { identifier, model: entry.model } };
    }
    const value = this.module.parseIdentifier(identifier);
    if (value === undefined) return undefined;
    const index = unscramble(value, this.salt);
    if (index >= this.generated || this.deleted?.has(index)) return undefined;
    const resource = this.generatedAt(index);
    return resource.identifier === identifier ? { position: index, resource } : undefined;
  }

  /** Adds a resource; `model` must already carry the identifier property and derived properties. */
  create(identifier: string, model: Model): void {
    this.createdById.set(identifier, this.created.length);
    this.created.push({ identifier, model, deleted: false });
    this.liveCreated++;
  }

  /** Replaces the model of a live resource. */
  replace(position: Position, model: Model): void {
    if (position < this.generated) (this.edited ??= new Map()).set(position, model);
    else this.created[position - this.generated]!.model = model;
  }

  /** Deletes a live resource; its position stays reserved so open NextTokens remain valid. */
  delete(position: Position): void {
    if (position < this.generated) {
      (this.deleted ??= new Set()).add(position);
      this.edited?.delete(position);
      return;
    }
    const entry = this.created[position - this.generated]!;
    entry.deleted = true;
    this.createdById.delete(entry.identifier);
    this.liveCreated--;
  }

  /** A fresh identifier for a created resource (same format as generated ones, never colliding). */
  newIdentifier(rng: Rng): string {
    for (;;) {
      const identifier = this.module.formatIdentifier(Math.floor(rng() * 0x100000000), rng, this.accountId);
      if (!this.find(identifier) && !this.createdById.has(identifier)) return identifier;
    }
  }

  private generatedAt(index: number): LiveResource {
    const rng = createRng(avalanche((this.salt ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0));
    const identifier = this.module.formatIdentifier(scramble(index, this.salt), rng, this.accountId);
    const edited = this.edited?.get(index);
    if (edited) return { identifier, model: edited };
    const tags = rng() < this.taggedRatio ? generateTags(rng) : [];
    const model = this.module.generate({
      accountId: this.accountId,
      region: this.region,
      identifier,
      rng,
      tags,
    });
    return { identifier, model };
  }
}
