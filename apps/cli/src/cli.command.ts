import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { CliContext } from './cli.context';

/** What a command prints to. `tty` decides between a live progress bar and plain lines. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** Raw write to stdout (progress bars redraw one line). */
  write(text: string): void;
  tty: boolean;
}

interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One CLI command: its words (`api-keys create`), its help, its options and what it does. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Extra help text: details, examples, exit codes. */
  details?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Names of the positional arguments, in order; a trailing `?` marks an optional one. */
  positionals?: string[];
  /** Checks the parsed arguments (throw UsageError) before anything connects. */
  validate?(args: ParsedArgs): void;
  run(ctx: CliContext, args: ParsedArgs, io: CliOutput): Promise<number>;
}

/** Exit codes, documented in `--help` and docs/operations.md. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, timeout: 4 } as const;

/** Bad command-line input: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Requires a UUID argument, naming it in the error. */
export function requireUuid(value: string | boolean | undefined, what: string): string {
  if (typeof value !== 'string' || !value) throw new UsageError(`${what} is required`);
  if (!UUID.test(value)) throw new UsageError(`${what} must be a UUID, got "${value}"`);
  return value;
}

/** Requires a string option that passes `schema` (a field of the API contract: the API's own rules). */
export function requireValid<T extends z.ZodType>(
  schema: T,
  value: string | boolean | undefined,
  what: string,
): z.output<T> {
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`${what} is required`);
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what} ${result.error.issues[0].message}`);
  return result.data;
}

/** Rejects with a message naming what to check when `p` takes longer than `ms` (e.g. Redis down). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
