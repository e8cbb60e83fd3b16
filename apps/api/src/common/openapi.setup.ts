import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { componentSchemas } from './openapi';

/** Builds the OpenAPI 3 document (routes from the controllers, schemas from zod). */
function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tally API')
    .setDescription(
      'Inventory of your AWS resources. Authenticate with `Authorization: Bearer tly_…`. Admin keys reach every tenant; ' +
        "tenant keys only their own (another tenant's objects answer 404). Errors are application/problem+json (RFC 9457) " +
        'with field-level `errors` on validation failures. Lists are cursor-paginated: `?limit=&cursor=` → `{ items, nextCursor }`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A Tally API key (tly_…)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(componentSchemas() as object) },
  };
  return document;
}

/** Serves the document at /docs-json and Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
