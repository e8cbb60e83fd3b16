// Messages between the jq pool (main thread) and its workers.
import type { EntitySpec, MappableResource, MappingResult } from './mapping.types';

export interface JqWorkerData {
  /** Cap on the WebAssembly memory jq may grow to (its heap: arrays, strings, the call stack). */
  wasmMemoryMb: number;
}

/** One whole jq run: `jq <flags> <program>` over `input` (a JSON text). */
export interface RunTask {
  op: 'run';
  program: string;
  input: string;
  flags: string[];
}

/** A kind program over a batch of resources, read back into entities and errors. */
export interface MapTask {
  op: 'map';
  kind: string;
  program: string;
  entities: EntitySpec[];
  resources: MappableResource[];
}

export type JqTask = RunTask | MapTask;

export interface JqFailure {
  message: string;
  /** jq's exit code (3 = compile error, 5 = runtime error) when jq itself failed. */
  exitCode?: number;
  stderr?: string;
  /** The WebAssembly module aborted (memory limit, jq assertion): the worker must be replaced. */
  fatal: boolean;
  /** The memory cap refused jq more memory during this task. */
  memory?: boolean;
}

export type JqReply =
  | { id: number; ok: true; stdout: string }
  | { id: number; ok: true; result: MappingResult }
  | { id: number; ok: false; failure: JqFailure };
