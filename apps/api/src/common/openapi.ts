import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

// OpenAPI from the same zod schemas that validate: routes reference named schemas, and the
// document's components are generated with z.toJSONSchema when the document is built.

const registry = new Map<string, { schema: z.ZodType; io: 'input' | 'output' }>();

/** Names a schema for the OpenAPI components. `io: 'input'` for request bodies (defaults apply). */
export function named<T extends z.ZodType>(name: string, schema: T, io: 'input' | 'output' = 'output'): T {
  registry.set(name, { schema, io });
  return schema;
}

export function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** JSON Schemas (OpenAPI 3.0 dialect) of every named schema. */
export function componentSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    [...registry].map(([name, { schema, io }]) => [
      name,
      z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }),
    ]),
  );
}

export const ProblemSchema = named(
  'Problem',
  z.object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().optional(),
    requestId: z.string().optional(),
    remediation: z.string().optional().describe('What the caller can do about it'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
);

const ERROR_TEXT: Record<number, [string, string]> = {
  400: ['Invalid request', 'validation_failed'],
  401: ['Missing, invalid, revoked or expired API key', 'unauthorized'],
  403: ["The key's role cannot do this (admin-only action)", 'forbidden'],
  404: ["Not found (also: another tenant's object)", 'not_found'],
  409: ['Conflict with the current state', 'conflict'],
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
    content: { 'application/problem+json': { schema: ref('Problem'), example } },
  });
}

export interface RouteDoc {
  summary: string;
  description?: string;
  /** Name of the request body schema, with an example. */
  body?: { schema: string; example: unknown };
  /** The query's schema (each key becomes a parameter). */
  query?: z.ZodObject;
  response: { status: number; description: string; schema?: string; example?: unknown; contentType?: string };
  errors: number[];
}

/** Documents one route: summary, body, query, success response with an example, and its problems. */
export function ApiRoute(doc: RouteDoc) {
  const { response } = doc;
  const contentType = response.contentType ?? 'application/json';
  const decorators = [
    ApiOperation({ summary: doc.summary, description: doc.description }),
    ...(doc.body
      ? [ApiBody({ schema: ref(doc.body.schema), examples: { example: { value: doc.body.example } } })]
      : []),
    ...Object.entries(doc.query?.shape ?? {}).map(([name, schema]) =>
      ApiQuery({
        name,
        required: false,
        schema: z.toJSONSchema(schema as z.ZodType, {
          target: 'openapi-3.0',
          io: 'input',
          unrepresentable: 'any',
        }) as object,
      }),
    ),
    ApiResponse({
      status: response.status,
      description: response.description,
      ...(response.schema || response.example !== undefined
        ? {
            content: {
              [contentType]: {
                schema: response.schema ? ref(response.schema) : { type: 'string' },
                example: response.example,
              },
            },
          }
        : {}),
    }),
    ...[401, 429, ...doc.errors].map(errorResponse),
  ];
  if (contentType !== 'application/json') decorators.push(ApiProduces(contentType));
  return applyDecorators(...decorators);
}
