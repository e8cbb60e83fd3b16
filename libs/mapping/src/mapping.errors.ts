import { ValidationError } from '@tally/common';
import type { MappingIssue } from './mapping.types';

/** A mapping that cannot be compiled (400): every issue names its YAML path, kind and reason. */
export class MappingValidationError extends ValidationError {
  constructor(readonly issues: MappingIssue[]) {
    super(
      issues.map((i) => ({
        field: `mapping.${i.path}`,
        message: i.kind ? `${i.kind}: ${i.message}` : i.message,
      })),
      `The mapping is invalid: ${issues
        .slice(0, 3)
        .map((i) => `${i.path}${i.kind ? ` (${i.kind})` : ''}: ${i.message}`)
        .join('; ')}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`,
    );
    this.name = 'MappingValidationError';
  }
}

/** Why a jq task did not finish: over its time or memory limit, or the worker failed. */
export type JqLimit = 'timeout' | 'memory' | 'crash';

/** A jq task stopped by the pool; the worker was replaced and the pool keeps serving. */
export class JqLimitError extends Error {
  constructor(
    readonly limit: JqLimit,
    message: string,
  ) {
    super(message);
    this.name = 'JqLimitError';
  }
}

/** jq itself refused (compile error, exit 3) or failed (runtime error, exit 5): jq's own text. */
export class JqError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'JqError';
  }
}
