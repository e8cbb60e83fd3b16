import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { Problem, requestSchemas, responseSchemas } from '@tally/contract';

// DTO validation (ZodPipe), response serialization (ResponseSchemaInterceptor) and the OpenAPI
// document all come from the zod schemas of @tally/contract. nestjs-zod 5.5.0 was tried first:
// with npm overrides for its Nest 10/11 peers it validates and serializes under Nest 12, but with
// @nestjs/swagger 12 its document turns every nullable field into an array
// (`string | null` → `type: array, items: string`), so this is the thin equivalent on z.toJSONSchema.

/** Metadata key of a route's 2xx response schema, read by ResponseSchemaInterceptor. */
export const RESPONSE_SCHEMA = 'tally:response-schema';

const TO_JSON_SCHEMA = { target: 'openapi-3.0', unrepresentable: 'any' } as const;

function ref(registry: typeof requestSchemas, schema: z.ZodType): { $ref: string } {
  const id = registry.get(schema)?.id;
  if (!id)
    throw new Error('A route schema must be registered in @tally/contract (requestSchemas/responseSchemas).');
  return { $ref: `#/components/schemas/${id}` };
}

/** JSON Schemas (OpenAPI 3.0 dialect) of every contract schema: requests as input, responses as output. */
export function componentSchemas(): Record<string, object> {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const all = {
    ...z.toJSONSchema(requestSchemas, { ...TO_JSON_SCHEMA, io: 'input', uri }).schemas,
    ...z.toJSONSchema(responseSchemas, { ...TO_JSON_SCHEMA, io: 'output', uri }).schemas,
  };
  return Object.fromEntries(Object.entries(all).map(([id, { $id: _, ...schema }]) => [id, schema]));
}

const ERROR_TEXT: Record<number, [string, string]> = {
  400: ['Invalid request', 'validation_failed'],
  401: ['Missing, invalid, revoked or expired API key', 'unauthorized'],
  403: ["The key's role cannot do this (admin-only action)", 'forbidden'],
  404: ["Not found (also: another tenant's object)", 'not_found'],
  409: ['Conflict with the current state', 'conflict'],
  410: [
    'The cursor is older than the change feed keeps; the problem names the oldest cursor',
    'cursor_expired',
  ],
  413: ['Body too large', 'payload_too_large'],
  415: ['Body is not application/json', 'unsupported_media_type'],
  429: ['Rate limit exceeded; see Retry-After', 'rate_limited'],
  502: ['AWS could not be reached', 'aws_error'],
};

function errorResponse(status: number) {
  const [description, code] = ERROR_TEXT[status] ?? ['Error', 'error'];
  const example =
    status === 400
      ? {
          type: 'https://tally.dev/problems/validation-failed',
          title: 'Invalid request',
          status,
          code,
          detail: 'The body is invalid.',
          errors: [{ field: 'accountId', message: 'must be 12 digits' }],
        }
      : {
          type: `https://tally.dev/problems/${code.replace(/_/g, '-')}`,
          title: description,
          status,
          code,
          detail: description,
        };
  return ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: ref(responseSchemas, Problem), example } },
  });
}

interface RouteDoc {
  summary: string;
  description?: string;
  /** The request body's contract schema, with an example. */
  body?: { schema: z.ZodType; example: unknown };
  /** The query's schema (each key becomes a parameter). */
  query?: z.ZodObject;
  /** The 2xx answer: `schema` (JSON, checked on every answer), or `contentType` for another body, or neither (204). */
  response: {
    status: number;
    description: string;
    schema?: z.ZodType;
    example?: unknown;
    contentType?: string;
  };
  errors: number[];
}

/** Documents one route and binds its response schema: summary, body, query, success answer, problems. */
export function ApiRoute(doc: RouteDoc) {
  const { response } = doc;
  const contentType = response.contentType ?? 'application/json';
  const decorators = [
    ApiOperation({ summary: doc.summary, description: doc.description }),
    ...(doc.body
      ? [
          ApiBody({
            schema: ref(requestSchemas, doc.body.schema),
            examples: { example: { value: doc.body.example } },
          }),
        ]
      : []),
    ...Object.entries(doc.query?.shape ?? {}).map(([name, schema]) =>
      ApiQuery({
        name,
        required: false,
        schema: z.toJSONSchema(schema as z.ZodType, { ...TO_JSON_SCHEMA, io: 'input' }) as object,
      }),
    ),
    ApiResponse({
      status: response.status,
      description: response.description,
      ...(response.schema || response.example !== undefined
        ? {
            content: {
              [contentType]: {
                schema: response.schema ? ref(responseSchemas, response.schema) : { type: 'string' },
                example: response.example,
              },
            },
          }
        : {}),
    }),
    ...[401, 429, ...doc.errors].map(errorResponse),
  ];
  if (response.schema) decorators.push(SetMetadata(RESPONSE_SCHEMA, response.schema));
  if (contentType !== 'application/json') decorators.push(ApiProduces(contentType));
  return applyDecorators(...decorators);
}
