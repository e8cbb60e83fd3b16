import { Body, Delete, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  Connection,
  ConnectionList,
  ConnectionWithOnboarding,
  CreateConnection,
  DeleteConnectionQuery,
  PageQuery,
  UpdateConnection,
  Verification,
} from '@tally/contract';
import type { Actor } from '@tally/tenancy';
import { CurrentActor } from '../common/actor.decorator';
import { EXAMPLE_AT, EXAMPLE_CONNECTION_ID, EXAMPLE_TENANT_ID } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { IdParam } from '../common/params';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ConnectionVerificationService } from './connection-verification.service';
import { ConnectionsService } from './connections.service';

const EXAMPLE_CONNECTION = {
  id: EXAMPLE_CONNECTION_ID,
  tenantId: EXAMPLE_TENANT_ID,
  name: 'production',
  accountId: '123456789012',
  mode: 'account',
  regions: ['us-east-1', 'eu-west-1'],
  resourceTypes: ['AWS::S3::Bucket', 'AWS::EC2::Instance'],
  roleName: 'TallyReadOnly',
  syncIntervalMinutes: 60,
  status: 'pending',
  statusMessage: null,
  verification: null,
  verifiedAt: null,
  paused: false,
  nextSyncAt: null,
  lastSyncAt: null,
  createdAt: EXAMPLE_AT,
  updatedAt: EXAMPLE_AT,
};
const EXAMPLE_ONBOARDING = {
  mode: 'account',
  roleArn: 'arn:aws:iam::123456789012:role/TallyReadOnly',
  stackName: 'tally-7c9d2e4f5a6b',
  parameters: {
    IssuerHost: 'tally.example.com',
    Audience: 'sts.amazonaws.com',
    Subject: `tenant:${EXAMPLE_TENANT_ID}:connection:${EXAMPLE_CONNECTION_ID}`,
    RoleName: 'TallyReadOnly',
    CreateOidcProvider: 'true',
  },
  templateFile: 'tally-account.yaml',
  cliCommand:
    'aws cloudformation deploy --region us-east-1 --stack-name tally-7c9d2e4f5a6b --template-file tally-account.yaml --capabilities CAPABILITY_NAMED_IAM --parameter-overrides …',
};

@V1Controller('tenants/:tenantId/connections', 'connections')
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly verification: ConnectionVerificationService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Create a connection; answers with its onboarding block',
    description:
      'The connection starts `pending`. Deploy the stack the onboarding block describes, then call POST …/verify.',
    body: {
      schema: CreateConnection,
      example: {
        name: 'production',
        accountId: '123456789012',
        mode: 'account',
        regions: ['us-east-1', 'eu-west-1'],
        resourceTypes: ['AWS::S3::Bucket', 'AWS::EC2::Instance'],
        syncIntervalMinutes: 60,
      },
    },
    response: {
      status: 201,
      description: 'The connection and how to onboard it',
      schema: ConnectionWithOnboarding,
      example: { ...EXAMPLE_CONNECTION, onboarding: EXAMPLE_ONBOARDING },
    },
    errors: [400, 404, 413, 415],
  })
  create(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Body(new ZodPipe(CreateConnection, 'body')) body: CreateConnection,
  ) {
    return this.connections.create(actor, tenantId, body);
  }

  @Get()
  @ApiRoute({
    summary: 'List connections',
    query: PageQuery,
    response: {
      status: 200,
      description: 'A page of connections',
      schema: ConnectionList,
      example: { items: [EXAMPLE_CONNECTION], nextCursor: null },
    },
    errors: [400, 404],
  })
  list(@Param('tenantId') tenantId: string, @Query(new ZodPipe(PageQuery, 'query')) query: PageQuery) {
    return this.connections.list(tenantId, query);
  }

  @Get(':connectionId')
  @ApiRoute({
    summary: 'Get a connection with its onboarding block',
    response: {
      status: 200,
      description: 'The connection',
      schema: ConnectionWithOnboarding,
      example: { ...EXAMPLE_CONNECTION, onboarding: EXAMPLE_ONBOARDING },
    },
    errors: [404],
  })
  get(@Param('tenantId') tenantId: string, @Param('connectionId', new IdParam('Connection')) id: string) {
    return this.connections.get(tenantId, id);
  }

  @Patch(':connectionId')
  @ApiRoute({
    summary: 'Update name, regions, resource types, interval, or pause/resume',
    body: { schema: UpdateConnection, example: { regions: ['us-east-1'], paused: true } },
    response: {
      status: 200,
      description: 'The updated connection',
      schema: Connection,
      example: { ...EXAMPLE_CONNECTION, paused: true },
    },
    errors: [400, 404, 413, 415],
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('connectionId', new IdParam('Connection')) id: string,
    @Body(new ZodPipe(UpdateConnection, 'body')) body: UpdateConnection,
  ) {
    return this.connections.update(actor, tenantId, id, body);
  }

  @Delete(':connectionId')
  @HttpCode(204)
  @ApiRoute({
    summary: 'Delete a connection and its whole inventory',
    description:
      "Confirm with `?confirm=<the connection's name>`; without it (or with another name) the answer is 400 and nothing is deleted.",
    query: DeleteConnectionQuery,
    response: { status: 204, description: 'Deleted, with its resources, changes and runs' },
    errors: [400, 404],
  })
  remove(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('connectionId', new IdParam('Connection')) id: string,
    @Query(new ZodPipe(DeleteConnectionQuery, 'query')) query: DeleteConnectionQuery,
  ) {
    return this.connections.remove(actor, tenantId, id, query.confirm);
  }

  @Get(':connectionId/cloudformation')
  @Header('Content-Type', 'application/x-yaml; charset=utf-8')
  @ApiRoute({
    summary: 'The CloudFormation template for this connection (YAML, parameter defaults filled in)',
    response: {
      status: 200,
      description: 'The template',
      contentType: 'application/x-yaml',
      example:
        'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  IssuerHost:\n    Type: String\n    Default: tally.example.com\n…',
    },
    errors: [404],
  })
  template(
    @Param('tenantId') tenantId: string,
    @Param('connectionId', new IdParam('Connection')) id: string,
  ) {
    return this.connections.template(tenantId, id);
  }

  @Post(':connectionId/verify')
  @HttpCode(200)
  @ApiRoute({
    summary:
      'Verify the deployed stack: assume the role, list accounts (organizations), run the confused-deputy canary',
    description:
      'Moves the connection to `active`, `error` or `insecure`. Only `active` connections are synced.',
    response: {
      status: 200,
      description: 'The outcome and each check',
      schema: Verification,
      example: {
        status: 'error',
        checks: [
          {
            name: 'assume_role',
            ok: false,
            message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
            remediation:
              'Deploy the Tally stack in account 123456789012 with the parameters shown in the onboarding block.',
          },
        ],
        verifiedAt: EXAMPLE_AT,
        connection: { ...EXAMPLE_CONNECTION, status: 'error' },
      },
    },
    errors: [404, 502],
  })
  verify(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('connectionId', new IdParam('Connection')) id: string,
  ) {
    return this.verification.verify(actor, tenantId, id);
  }
}
