import type { BenchEnvironment } from './environment';

/** A loaded inventory one benchmark leaves for the next (ingest's rows for the api benchmark). */
export interface Inventory {
  env: BenchEnvironment;
  tenantId: string;
  connectionId: string;
  accounts: string[];
  regions: string[];
  total: number;
  /** How the rows got there (for the notes). */
  source: string;
}

/** What benchmarks in one `npm run bench` share. */
export interface BenchContext {
  /** Benchmarks still to run in this invocation (ingest keeps its database when `api` follows). */
  pending: Set<string>;
  inventory?: Inventory;
}
