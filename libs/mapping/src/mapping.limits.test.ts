// Bad input, each a clear error, and the pool still answers afterwards.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { JqPool } from './jq.pool';
import { compileMapping } from './mapping.compiler';
import { JqLimitError, MappingValidationError } from './mapping.errors';
import { previewMapping } from './mapping.preview';
import { sampleResources } from './mapping.samples';
import type { MappingIssue } from './mapping.types';

const pool = new JqPool({ size: 1, timeoutMs: 2_000, wasmMemoryMb: 64, heapMb: 64 });
after(() => pool.close());

const bucket = sampleResources(1);

/** A one-entry S3 mapping with these `mappings` lines (YAML, indented under mappings). */
function s3Mapping(mappings: string, selector = 'true'): string {
  return `resources:
  - kind: AWS::S3::Bucket
    selector:
      query: '${selector}'
    port:
      entity:
        mappings:
${mappings
  .trim()
  .split('\n')
  .map((l) => `          ${l.trim()}`)
  .join('\n')}
`;
}

async function issuesOf(yaml: string): Promise<MappingIssue[]> {
  const err = await compileMapping(yaml, pool).then(
    () => assert.fail('the mapping compiled'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MappingValidationError, String(err));
  assert.equal(err.code, 'validation_failed');
  return err.issues;
}

async function assertPoolAnswers(): Promise<void> {
  assert.equal(await pool.run('.a + 1', '{"a": 41}'), '42');
  const ok = await previewMapping(s3Mapping(`identifier: .Identifier\nblueprint: '"b"'`), bucket, { pool });
  assert.deepEqual(
    ok.entities.map((e) => e.entity.identifier),
    ['tally-sample-bucket-0'],
  );
}

describe('mapping limits and bad input', () => {
  it('stops an expression that loops forever at the time limit, naming the kind and batch', async () => {
    const restarts = pool.restarts;
    const yaml = s3Mapping(`identifier: .Identifier\nblueprint: '"b"'\nproperties: { spin: 'def f: f; f' }`);
    const started = Date.now();
    const { entities, errors } = await previewMapping(yaml, sampleResources(3), { pool, timeoutMs: 500 });
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(entities, []);
    assert.equal(errors.length, 1, 'one bucket among the three samples');
    assert.equal(errors[0].field, 'batch');
    assert.equal(errors[0].identifier, 'tally-sample-bucket-0');
    assert.match(
      errors[0].message,
      /^mapping AWS::S3::Bucket batch 1 \(1 resources\) exceeded the 500 ms time limit/,
    );
    assert.equal(pool.restarts, restarts + 1, 'the worker was replaced');
    await assertPoolAnswers();
  });

  it('stops an expression that builds a huge array at the memory limit', async () => {
    const err = await pool
      .run('[range(1e9)] | length', 'null', ['-c'], { label: 'huge', timeoutMs: 30_000 })
      .then(
        () => assert.fail('[range(1e9)] finished'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof JqLimitError, String(err));
    assert.equal(err.limit, 'memory', err.message);
    assert.equal(err.message, 'huge exceeded its memory limit (64 MB for jq); it was stopped');
    await assertPoolAnswers();
  });

  it('stops a deep recursion that builds a huge array at whichever limit it reaches first', async () => {
    // repeat(1) recurses once per element: jq's stack and the array grow together, slowly.
    const err = await pool
      .run('[limit(1e8; repeat(1))] | length', 'null', ['-c'], { label: 'deep', timeoutMs: 5_000 })
      .then(
        () => assert.fail('[limit(1e8; repeat(1))] finished'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof JqLimitError, String(err));
    assert.match(
      err.message,
      /^deep exceeded (its memory limit \(64 MB for jq\)|the 5000 ms time limit); it was stopped$/,
    );
    await assertPoolAnswers();
  });

  it('stops a batch whose output exceeds the worker heap', async () => {
    const yaml = s3Mapping(`identifier: .Identifier\nblueprint: '"b"'\nproperties: { big: '[range(3e6)]' }`);
    const { errors } = await previewMapping(yaml, bucket, { pool, timeoutMs: 30_000 });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /exceeded (its JavaScript heap limit \(64 MB\)|its memory limit)/);
    await assertPoolAnswers();
  });

  it('rejects invalid YAML with its line', async () => {
    const issues = await issuesOf('resources:\n  - kind: AWS::S3::Bucket\n   port: [\n');
    assert.equal(issues[0].path, '(yaml)');
    assert.match(issues[0].message, /^invalid YAML: .+ at line 3, column \d+$/);
  });

  it('rejects an unknown kind, a missing identifier or blueprint, and jq compile errors, by path', async () => {
    const yaml = `resources:
  - kind: AWS::IAM::Role
    port: { entity: { mappings: { identifier: .Identifier, blueprint: '"b"' } } }
  - kind: AWS::S3::Bucket
    port: { entity: { mappings: { title: .Identifier } } }
  - kind: AWS::EC2::Instance
    selector: { query: '.Properties |' }
    port: { entity: { mappings: { identifier: .Identifier | nope, blueprint: '"b"', properties: { a: .x } } } }
`;
    assert.deepEqual(await issuesOf(yaml), [
      {
        path: 'resources[0].kind',
        kind: 'AWS::IAM::Role',
        message:
          'unknown kind; expected one of AWS::S3::Bucket, AWS::ECS::Cluster, AWS::EC2::Instance, AWS::Lambda::Function, AWS::RDS::DBInstance, AWS::Organizations::Account',
      },
      {
        path: 'resources[1].port.entity.mappings.identifier',
        kind: 'AWS::S3::Bucket',
        message: 'is required (a jq expression)',
      },
      {
        path: 'resources[1].port.entity.mappings.blueprint',
        kind: 'AWS::S3::Bucket',
        message: 'is required (a jq expression)',
      },
    ]);
    const jqIssues = await issuesOf(yaml.split('\n').slice(5).join('\n').replace(/^/, 'resources:\n'));
    assert.equal(jqIssues.length, 2);
    assert.deepEqual(
      jqIssues.map((i) => [i.path, i.kind]),
      [
        ['resources[0].selector.query', 'AWS::EC2::Instance'],
        ['resources[0].port.entity.mappings.identifier', 'AWS::EC2::Instance'],
      ],
    );
    assert.match(jqIssues[0].message, /^jq compile error: syntax error, unexpected/);
    assert.equal(jqIssues[1].message, 'jq compile error: nope/0 is not defined');
  });

  it('records a non-boolean selector and a missing identifier as errors of that entity only', async () => {
    const resources = sampleResources(10).filter((r) => r.type === 'AWS::S3::Bucket');
    resources[1] = { ...resources[1], properties: { ...resources[1].properties, Name: 'named' } };
    const selector = await previewMapping(
      s3Mapping(`identifier: .Identifier\nblueprint: '"b"'`, '.Properties.Name // true'),
      resources,
      { pool },
    );
    assert.deepEqual(
      selector.entities.map((e) => e.index),
      [0],
    );
    assert.deepEqual(selector.errors, [
      {
        index: 1,
        kind: 'AWS::S3::Bucket',
        mapping: 0,
        identifier: 'tally-sample-bucket-1',
        field: 'selector.query',
        message: 'must give a boolean (true or false), got a string ("named")',
      },
    ]);
    const missing = await previewMapping(
      s3Mapping(`identifier: .Properties.Name\nblueprint: '"b"'\ntitle: .Identifier`),
      resources,
      { pool },
    );
    assert.deepEqual(
      missing.entities.map((e) => e.entity),
      [
        {
          identifier: 'named',
          title: 'tally-sample-bucket-1',
          blueprint: 'b',
          properties: {},
          relations: {},
        },
      ],
    );
    assert.deepEqual(
      missing.errors.map((e) => [e.index, e.field, e.message]),
      [[0, 'identifier', 'must give a non-empty string, got null']],
    );
    const runtime = await previewMapping(
      s3Mapping(`identifier: .Identifier\nblueprint: '"b"'\nproperties: { n: '.Properties.BucketName + 1' }`),
      resources,
      { pool },
    );
    assert.equal(runtime.entities.length, 0);
    assert.deepEqual(
      runtime.errors.map((e) => [e.field, e.message]),
      [
        ['properties.n', 'string ("tally-samp...) and number (1) cannot be added'],
        ['properties.n', 'string ("tally-samp...) and number (1) cannot be added'],
      ],
    );
    await assertPoolAnswers();
  });

  it('keeps tenant expressions from ending the batch, reading the environment or naming __proto__', async () => {
    const yaml = `resources:
  - kind: AWS::S3::Bucket
    port:
      entity:
        mappings:
          identifier: .Identifier
          blueprint: '"b"'
          properties: { __proto__: '"own"', env: '$ENV | length', envFn: 'env | length', dbg: '1 | debug' }
  - kind: AWS::S3::Bucket
    port: { entity: { mappings: { identifier: .Identifier, blueprint: '"b"', properties: { stop: 'halt_error' } } } }
  - kind: AWS::S3::Bucket
    port: { entity: { mappings: { identifier: .Identifier, blueprint: '"b"', properties: { more: '[inputs]' } } } }
`;
    const { entities, errors } = await previewMapping(yaml, bucket, { pool });
    assert.equal(entities.length, 1);
    assert.deepEqual(Object.getPrototypeOf(entities[0].entity.properties), Object.prototype);
    assert.deepEqual(
      JSON.parse(JSON.stringify(entities[0].entity.properties)),
      JSON.parse('{"__proto__": "own", "env": 0, "envFn": 0, "dbg": 1}'),
    );
    assert.deepEqual(
      errors.map((e) => [e.mapping, e.field, e.message]),
      [
        [1, 'properties.stop', 'halt_error is not allowed in a mapping'],
        [2, 'properties.more', 'inputs is not allowed in a mapping'],
      ],
    );
  });

  it('keeps working for concurrent batches after all of the above', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        previewMapping(s3Mapping(`identifier: .Identifier\nblueprint: '"b"'`), sampleResources(50), {
          pool,
          batchSize: 3,
        }),
      ),
    );
    for (const r of results) assert.equal(r.entities.length, 10);
  });
});
