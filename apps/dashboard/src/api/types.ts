// The REST API's resources as the dashboard reads them (shared/DESIGN.md §3; field names from
// prisma/schema.prisma). Optional fields are ones the dashboard copes without.

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  remediation?: string;
  requestId?: string;
  errors?: { path?: string; field?: string; message: string }[];
}

export interface Tenant {
  id: string;
  name: string;
  createdAt?: string;
}

export type ConnectionStatus = 'pending' | 'active' | 'error' | 'insecure';

export interface Onboarding {
  roleArn?: string;
  parameters?: Record<string, string | boolean | number>;
  templateUrl?: string | null;
  quickCreateUrl?: string | null;
  cliCommand?: string | null;
  [key: string]: unknown;
}

export interface VerifyCheck {
  name: string;
  ok: boolean;
  message?: string;
  remediation?: string | null;
}

export interface Verification {
  status?: string;
  checks: VerifyCheck[];
}

export interface Connection {
  id: string;
  tenantId: string;
  name: string;
  accountId: string;
  mode: 'account' | 'organization';
  regions: string[];
  resourceTypes: string[];
  roleName: string;
  syncIntervalMinutes: number;
  status: ConnectionStatus;
  statusMessage?: string | null;
  verification?: Verification | null;
  verifiedAt?: string | null;
  paused: boolean;
  nextSyncAt?: string | null;
  lastSyncAt?: string | null;
  createdAt?: string;
  onboarding?: Onboarding;
  lastRun?: SyncRun | null;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
export type TaskStatus =
  'pending' | 'running' | 'succeeded' | 'failed' | 'unsupported' | 'denied' | 'skipped';

/** A run's or task's classified error, as the API nests it (`error: { kind, code, message }`). */
export interface RunError {
  kind?: 'customer' | 'transient' | 'internal' | null;
  code?: string | null;
  message?: string | null;
  remediation?: string | null;
}

export interface SyncTask {
  id: string;
  accountId: string;
  region: string;
  resourceType: string;
  status: TaskStatus;
  attempts?: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
  pages?: number;
  apiCalls?: number;
  resourcesSeen: number;
  created?: number;
  updated?: number;
  deleted?: number;
  error?: RunError | null;
  /** Older flat shape; the dashboard reads either. */
  errorKind?: 'customer' | 'transient' | 'internal' | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  remediation?: string | null;
}

export interface SyncRun {
  id: string;
  tenantId?: string;
  connectionId: string;
  trigger?: 'schedule' | 'manual';
  status: RunStatus;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
  tasksTotal: number;
  tasksDone: number;
  tasksFailed: number;
  resourcesSeen: number;
  created?: number;
  updated?: number;
  deleted?: number;
  apiCalls?: number;
  error?: RunError | null;
  errorKind?: 'customer' | 'transient' | 'internal' | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  remediation?: string | null;
  tasks?: SyncTask[];
}

export interface Resource {
  id: string;
  provider?: string;
  type: string;
  identifier: string;
  arn?: string | null;
  name?: string | null;
  accountId: string;
  region: string;
  tags: Record<string, string>;
  relationships?: { type: string; target: string }[];
  properties?: Record<string, unknown>;
  firstSeenAt?: string;
  lastSeenAt?: string;
  updatedAt?: string;
  deletedAt?: string | null;
}

export interface ResourceChange {
  kind: 'created' | 'updated' | 'deleted';
  at: string;
  runId?: string | null;
  changedFields?: string[];
}

export interface ResourceDetail extends Resource {
  changes: ResourceChange[];
}

/** `{ key: count }` or `[{ key, count }]`: the dashboard accepts either. */
export type Counts = Record<string, number> | { [k: string]: unknown; count: number }[];

export interface ResourceCounts {
  total: number;
  byType: Counts;
  byAccount: Counts;
  byRegion: Counts;
}

/** GET …/summary. */
export interface Summary {
  resources: ResourceCounts;
  connections?: { total: number; paused: number; byStatus: Record<string, number> };
  lastRun?: SyncRun | null;
  nextRunAt?: string | null;
  errors?: { connections: number; failedRuns: number; failedTasks: number };
}
