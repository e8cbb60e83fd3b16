import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { MappingPreview, MappingPreviewRequest } from '@tally/contract';
import { ApiRoute } from '../common/openapi';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { MappingsService } from './mappings.service';

const EXAMPLE_MAPPING = `resources:
  - kind: AWS::S3::Bucket
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Identifier
          title: .Identifier
          blueprint: '"cloudResource"'
          properties:
            region: .__Region
          relations:
            account: .__AccountId
`;

@V1Controller('tenants/:tenantId/mappings', 'mappings')
export class MappingsController {
  constructor(private readonly mappings: MappingsService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Run a Port-compatible mapping against resources and see the entities it gives',
    description:
      "Maps the chosen resources, or up to 100 of the tenant's, or samples of every type when the tenant " +
      'has none. An invalid mapping is a 400 naming the kind, field and jq error; an expression that fails ' +
      'on one resource is an entry of `errors`.',
    body: { schema: MappingPreviewRequest, example: { mapping: EXAMPLE_MAPPING } },
    response: {
      status: 200,
      description: 'The entities and per-entity errors',
      schema: MappingPreview,
      example: {
        input: 'tenant',
        entities: [
          {
            index: 0,
            kind: 'AWS::S3::Bucket',
            mapping: 0,
            resourceId: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
            entity: {
              identifier: 'acme-logs',
              title: 'acme-logs',
              blueprint: 'cloudResource',
              properties: { region: 'eu-west-1' },
              relations: { account: '123456789012' },
            },
          },
        ],
        errors: [],
      },
    },
    errors: [400, 404, 413, 415],
  })
  preview(
    @Param('tenantId') tenantId: string,
    @Body(new ZodPipe(MappingPreviewRequest, 'body')) body: MappingPreviewRequest,
  ) {
    return this.mappings.preview(tenantId, body);
  }
}
