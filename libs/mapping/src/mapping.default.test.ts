import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SUPPORTED_RESOURCE_TYPES } from '@tally/aws';
import { JqPool } from './jq.pool';
import { compileMapping, MAPPING_KINDS } from './mapping.compiler';
import { defaultPortMapping, previewMapping } from './mapping.preview';
import { sampleAccount, sampleResources } from './mapping.samples';
import { ORGANIZATIONS_ACCOUNT_KIND } from './mapping.types';

const pool = new JqPool({ size: 1, timeoutMs: 10_000 });
after(() => pool.close());

describe("Port's default AWS mapping", () => {
  it('is the reference mapping, and names every kind a mapping may use', async () => {
    assert.match(defaultPortMapping(), /^# Port's documented default mapping/);
    const compiled = await compileMapping(defaultPortMapping(), pool);
    assert.deepEqual([...compiled.kinds.keys()].sort(), [...MAPPING_KINDS].sort());
    assert.deepEqual(
      [...MAPPING_KINDS].sort(),
      [...SUPPORTED_RESOURCE_TYPES, ORGANIZATIONS_ACCOUNT_KIND].sort(),
    );
    assert.equal(await compileMapping(defaultPortMapping(), pool), compiled, 'cached by content hash');
  });

  it('gives the entities Port would for each resource type and for an account', async () => {
    const resources = [...sampleResources(5), sampleAccount(0)];
    const { entities, errors } = await previewMapping(defaultPortMapping(), resources, { pool });
    assert.deepEqual(errors, []);
    const byKind = Object.fromEntries(entities.map((e) => [e.kind, e.entity]));
    const account = '123456789012';
    const tags = [
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'team-0' },
    ];
    const link = (arn: string) => `https://console.aws.amazon.com/go/view?arn=${arn}`;
    assert.deepEqual(byKind['AWS::S3::Bucket'], {
      identifier: 'tally-sample-bucket-0',
      title: 'tally-sample-bucket-0',
      blueprint: 'cloudResource',
      properties: {
        kind: 'AWS::S3::Bucket',
        region: 'eu-west-1', // captured from RegionalDomainName
        tags,
        arn: 'arn:aws:s3:::tally-sample-bucket-0',
        link: link('arn:aws:s3:::tally-sample-bucket-0'),
      },
      relations: { account },
    });
    const ec2 = resources[1].identifier;
    assert.deepEqual(byKind['AWS::EC2::Instance'], {
      identifier: ec2,
      title: ec2,
      blueprint: 'cloudResource',
      // Cloud Control's model has no Arn: `select(.Arn != null)` gives no output, hence null.
      properties: { kind: 'AWS::EC2::Instance', region: 'us-east-1', tags, arn: null, link: null },
      relations: { account },
    });
    const clusterArn = `arn:aws:ecs:ap-southeast-2:${account}:cluster/sample-cluster-0`;
    assert.deepEqual(byKind['AWS::ECS::Cluster'], {
      identifier: clusterArn,
      title: 'sample-cluster-0',
      blueprint: 'cloudResource',
      properties: {
        kind: 'AWS::ECS::Cluster',
        region: 'ap-southeast-2',
        tags,
        arn: clusterArn,
        link: link(clusterArn),
      },
      relations: { account },
    });
    const fnArn = `arn:aws:lambda:eu-west-1:${account}:function:orders-api-0`;
    assert.deepEqual(byKind['AWS::Lambda::Function'], {
      identifier: 'orders-api-0',
      title: 'orders-api-0',
      blueprint: 'cloudResource',
      properties: {
        kind: 'AWS::Lambda::Function',
        region: 'eu-west-1',
        runtime: 'nodejs20.x',
        memory_size: 256,
        timeout: 30,
        tags,
        arn: fnArn,
        link: link(fnArn),
      },
      relations: { account },
    });
    assert.deepEqual(byKind['AWS::RDS::DBInstance'], {
      identifier: 'orders-db-0',
      title: 'orders-db-0',
      blueprint: 'cloudResource',
      properties: {
        kind: 'AWS::RDS::DBInstance',
        region: 'us-east-1',
        engine: 'postgres',
        engine_version: '16.3',
        instance_class: 'db.t4g.medium',
        tags,
        // RDS's model says DBInstanceArn; Port's mapping reads .Arn.
        arn: null,
        link: null,
      },
      relations: { account },
    });
    assert.deepEqual(byKind[ORGANIZATIONS_ACCOUNT_KIND], {
      identifier: '210987654321',
      title: 'member-0',
      blueprint: 'awsAccount',
      properties: {
        arn: `arn:aws:organizations::${account}:account/o-a1b2c3d4e5/210987654321`,
        email: 'aws+member-0@example.com',
        status: 'ACTIVE',
        joined_method: 'CREATED',
        joined_timestamp: '2024-03-01T09:30:00.123000+00:00',
      },
      relations: {},
    });
    assert.deepEqual(
      entities.map((e) => [e.index, e.mapping]),
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 0],
      ],
    );
  });

  it('maps a kind listed twice to two entities, honours selectors, and ignores kinds it does not name', async () => {
    const yaml = `
resources:
  - kind: AWS::Lambda::Function
    selector: { query: '.Properties.Runtime | startswith("nodejs")' }
    port:
      entity:
        mappings:
          identifier: .Properties.FunctionName
          title: .Properties.Description
          blueprint: '"lambda"'
          team: '[.Properties.Tags[] | select(.Key == "team") | .Value]'
          icon: '"Lambda"'
          properties: { tagMap: '.Properties.Tags | map({(.Key): .Value}) | add' }
  - kind: AWS::Lambda::Function
    selector: { query: '.Properties.MemorySize > 1024', useGetResourceAPI: 'true' }
    itemsToParse: .x
    port:
      entity:
        mappings: { identifier: '.Properties.Arn', blueprint: '"bigLambda"' }
`;
    const [fn] = sampleResources(4).slice(3);
    const big = {
      ...fn,
      identifier: 'big',
      properties: { ...fn.properties, FunctionName: 'big', MemorySize: 4096, Arn: 'arn:big' },
    };
    const py = {
      ...fn,
      identifier: 'py',
      properties: { ...fn.properties, Runtime: 'python3.12', FunctionName: 'py' },
    };
    const { entities, errors } = await previewMapping(yaml, [fn, big, py, ...sampleResources(3)], { pool });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      entities.map((e) => [e.index, e.entity.blueprint, e.entity.identifier]),
      [
        [0, 'lambda', 'orders-api-0'],
        [1, 'lambda', 'big'],
        [1, 'bigLambda', 'arn:big'],
      ],
    );
    assert.deepEqual(entities[0].entity, {
      identifier: 'orders-api-0',
      title: null,
      blueprint: 'lambda',
      team: ['team-0'],
      icon: 'Lambda',
      properties: { tagMap: { env: 'dev', team: 'team-0' } },
      relations: {},
    });
  });
});
