import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import type { z } from 'zod';
import { RESPONSE_SCHEMA } from './openapi';

/** A 2xx answer that does not match its contract schema: a bug of ours, answered as a 500. */
export class ResponseContractError extends Error {
  constructor(route: string, error: z.ZodError) {
    const issues = error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    super(`The answer of ${route} does not match its schema: ${issues}`);
    this.name = 'ResponseContractError';
  }
}

/**
 * Serializes every answer through its route's response schema (@ApiRoute): Dates become ISO
 * strings, fields the contract does not name are dropped, and a mismatch is a 500 (logged).
 */
@Injectable()
export class ResponseSchemaInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const schema = this.reflector.get<z.ZodType | undefined>(RESPONSE_SCHEMA, context.getHandler());
    if (!schema) return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        const result = schema.safeParse(body);
        if (result.success) return result.data;
        throw new ResponseContractError(
          `${context.getClass().name}.${context.getHandler().name}`,
          result.error,
        );
      }),
    );
  }
}
