// Everything the Organizations and Cloud Control services read: the scenario, the accounts (with
// their organization membership) and the inventory cells. Mutated only by the control routes.
import type { AccountStatus, Scenario } from '../scenario/scenario.schema';
import { RESOURCE_TYPE_NAMES, type ResourceTypeName } from '../types/type-names';
import { hash32 } from '../util/hash';
import { Cell } from './cell';
import { cellKey, countFor, initialCounts } from './counts';

export interface AccountRecord {
  id: string;
  name: string;
  email: string;
  status: AccountStatus;
  joinedMethod: 'INVITED' | 'CREATED';
  /** Epoch seconds. */
  joinedTimestamp: number;
  /** Member of the organization (false: standalone, or removed from the organization). */
  inOrganization: boolean;
}

export interface OrganizationInfo {
  id: string;
  managementAccountId: string;
}

const BASE_JOINED = 1_600_000_000; // Sep 2020, a plausible "joined" epoch

export class CloudState {
  readonly accounts = new Map<string, AccountRecord>();
  readonly organization: OrganizationInfo | null;
  private readonly cells = new Map<string, Cell>();

  constructor(readonly scenario: Scenario) {
    this.organization = scenario.organization
      ? {
          id: scenario.organization.id ?? orgId(scenario.seed),
          managementAccountId: scenario.organization.managementAccountId,
        }
      : null;
    this.loadAccounts();
    const counts = initialCounts(scenario, [...this.accounts.keys()]);
    for (const accountId of this.accounts.keys())
      this.addCells(accountId, (r, t) => counts.get(cellKey(accountId, r, t)) ?? 0);
  }

  /** The cell of one (account, region, type), if that account and region exist. */
  cell(accountId: string, region: string, type: ResourceTypeName): Cell | undefined {
    return this.cells.get(cellKey(accountId, region, type));
  }

  /** Cells a ListResources call walks: S3 lists the account's buckets of every region. */
  listingCells(accountId: string, region: string, type: ResourceTypeName, everyRegion: boolean): Cell[] {
    const regions = everyRegion ? this.scenario.regions : [region];
    return regions.map((r) => this.cell(accountId, r, type)).filter((c): c is Cell => c !== undefined);
  }

  /** Every cell, optionally filtered. */
  *allCells(filter: { accountId?: string; region?: string; type?: string } = {}): Iterable<Cell> {
    for (const c of this.cells.values()) {
      if (filter.accountId && c.accountId !== filter.accountId) continue;
      if (filter.region && c.region !== filter.region) continue;
      if (filter.type && c.type !== filter.type) continue;
      yield c;
    }
  }

  /** Adds an account (to the organization when there is one) with the scenario's per-cell counts. */
  addAccount(input: { id: string; name?: string; email?: string; status?: AccountStatus }): AccountRecord {
    const existing = this.accounts.get(input.id);
    if (existing) {
      existing.inOrganization = this.organization !== null;
      if (input.status) existing.status = input.status;
      return existing;
    }
    const record: AccountRecord = {
      id: input.id,
      name: input.name ?? `account-${input.id.slice(-4)}`,
      email: input.email ?? `aws+${input.id}@example.com`,
      status: input.status ?? 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: Math.floor(Date.now() / 1000),
      inOrganization: this.organization !== null,
    };
    this.accounts.set(record.id, record);
    this.addCells(record.id, (r, t) => countFor(this.scenario, record.id, r, t));
    return record;
  }

  /** Organization members in listing order (management account first). */
  organizationMembers(): AccountRecord[] {
    return [...this.accounts.values()].filter((a) => a.inOrganization);
  }

  private loadAccounts(): void {
    const org = this.scenario.organization;
    if (org) {
      const members = [...org.accounts];
      if (!members.some((a) => a.id === org.managementAccountId)) {
        members.unshift({
          id: org.managementAccountId,
          name: 'management',
          email: `aws+${org.managementAccountId}@example.com`,
          status: 'ACTIVE',
          joinedMethod: 'INVITED',
        });
      }
      members.sort(
        (a, b) => Number(b.id === org.managementAccountId) - Number(a.id === org.managementAccountId),
      );
      for (const [i, a] of members.entries()) {
        const joined =
          a.joinedTimestamp ??
          BASE_JOINED + (hash32(`${this.scenario.seed}|joined|${a.id}`) % 50_000_000) + i;
        this.accounts.set(a.id, { ...a, joinedTimestamp: joined, inOrganization: true });
      }
    }
    for (const a of this.scenario.accounts) {
      if (this.accounts.has(a.id)) continue;
      this.accounts.set(a.id, {
        id: a.id,
        name: a.name ?? `account-${a.id.slice(-4)}`,
        email: `aws+${a.id}@example.com`,
        status: 'ACTIVE',
        joinedMethod: 'CREATED',
        joinedTimestamp: BASE_JOINED,
        inOrganization: false,
      });
    }
  }

  private addCells(accountId: string, count: (region: string, type: ResourceTypeName) => number): void {
    for (const region of this.scenario.regions) {
      for (const type of RESOURCE_TYPE_NAMES) {
        const cell = new Cell(
          this.scenario.seed,
          accountId,
          region,
          type,
          count(region, type),
          this.scenario.resources.taggedRatio,
        );
        this.cells.set(cellKey(accountId, region, type), cell);
      }
    }
  }
}

function orgId(seed: string): string {
  return `o-${(hash32(`${seed}|org`).toString(36) + hash32(`${seed}|org2`).toString(36)).padEnd(10, '0').slice(0, 10)}`;
}
