import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ValidationError, type FieldError } from '@tally/common';

/** Turns zod issues into field-level errors; unknown keys become one error each. */
function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
    }
    return [{ field: base || 'body', message: issue.message }];
  });
}

/** Validates (and transforms) a body, query or parameter with a zod schema; failures are 400 problems. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.output<T> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new ValidationError(fieldErrors(result.error), `The ${this.what} is invalid.`);
  }
}
