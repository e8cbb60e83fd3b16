// The jq oracle: jq-web (jq 1.7 in WebAssembly) and Tally's mapping fields must give what Debian's
// jq binary (1.6, patched: it already words errors as 1.7 does) gives for the same program and input,
// outputs and errors alike. Only programs on which 1.6 and 1.7 agree are listed (they differ on
// 1.7's new builtins such as pick, on from_entries with `Value`, and on number formatting).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { JqPool } from './jq.pool';
import { JqError } from './mapping.errors';
import { previewMapping } from './mapping.preview';
import { ORGANIZATIONS_ACCOUNT_KIND } from './mapping.types';

const DOC = {
  Name: 'WebServer-Prod',
  arn: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc',
  s: 'prod-42',
  n: 10,
  f: 2.5,
  missing: null,
  when: '2024-03-01 09:30:00+00:00',
  a: { b: { c: 'deep' }, list: [1, 2, 3] },
  items: [
    { k: 'x', n: 1 },
    { k: 'y', n: 3 },
    { k: 'x', n: 5 },
  ],
  tags: { env: 'prod', team: 'core', empty: '' },
  Tags: [
    { Key: 'env', Value: 'prod' },
    { Key: 'team', Value: 'core' },
  ],
  csv: 'a, b, c',
};

/** [program, input] pairs; input defaults to DOC. */
const CASES: [string, unknown?][] = [
  // strings
  ['.Name | ascii_downcase'],
  ['.Name | ascii_upcase'],
  ['.Name | split("-") | join("_")'],
  ['.arn | ltrimstr("arn:aws:") | rtrimstr("/i-0abc")'],
  ['.arn | startswith("arn:"), endswith("0abc"), contains("ec2")'],
  ['.when | sub(" "; "T")'],
  ['.Name | gsub("-"; "_")'],
  ['"\\(.Name) in \\(.a.b.c)"'],
  ['.csv | [splits(", ")]'],
  ['.csv | index(","), rindex(",")'],
  ['.Name | length, utf8bytelength'],
  ['.Name | explode | implode'],
  ['.n | tostring'],
  ['"42" | tonumber'],
  // paths and access
  ['.a.b.c'],
  ['.a.nope.deeper'],
  ['.a.list[1], .a.list[-1], .a.list[1:]'],
  ['[paths]'],
  ['[paths(type == "number")]'],
  ['getpath(["a", "b", "c"])'],
  ['[path(.a.list[0], .items[].k)]'],
  ['.a | keys, has("b"), (.list | length)'],
  ['del(.items, .Tags, .tags, .a) | keys'],
  ['.a.list |= map(. * 2) | .a.list'],
  ['setpath(["a", "z"]; 1) | .a'],
  ['[.. | numbers]'],
  ['[.[] | type]'],
  // alternatives and selection
  ['.missing // "default"'],
  ['.nope // .Name'],
  ['(.a.list[] | select(. > 5)) // "none"'],
  ['[.items[] | select(.n > 2) | .k]'],
  ['.items | map(select(.k == "x")) | length'],
  ['first(.items[] | select(.k == "y")) | .n'],
  ['.Tags | map(select(.Key == "env")) | .[0].Value'],
  ['if .n > 5 then "big" elif .n > 2 then "mid" else "small" end'],
  ['.Properties | select(.Arn != null) | "link=" + .Arn', { Properties: { Arn: 'arn:x' } }],
  ['.Properties | select(.Arn != null) | "link=" + .Arn', { Properties: {} }],
  // entries and collections
  ['.tags | to_entries'],
  ['.tags | to_entries | map("\\(.key)=\\(.value)") | sort'],
  ['.tags | with_entries(select(.value != ""))'],
  ['.tags | with_entries(.key |= ascii_upcase)'],
  ['[.tags | to_entries[] | {key, value}] | from_entries'],
  ['.Tags | map({(.Key): .Value}) | add'],
  ['.items | group_by(.k) | map({k: .[0].k, total: map(.n) | add})'],
  ['.items | sort_by(.n) | reverse | map(.n)'],
  ['.items | min_by(.n), max_by(.n)'],
  ['.items | map(.k) | unique'],
  ['[.a.list, [4, [5]]] | flatten'],
  ['.a.list | any(. > 2), all(. > 0)'],
  ['reduce .items[] as $i (0; . + $i.n)'],
  ['[limit(3; range(10))], [range(0; 10; 4)]'],
  ['.a.list | add, min, max, (map(tostring) | join(","))'],
  ['.a.list | index(2), inside([1, 2, 3, 4])'],
  ['[.items[] | .k] | tojson | fromjson'],
  // regular expressions
  ['.s | test("^prod-[0-9]+$")'],
  ['.s | test("PROD"; "i")'],
  ['.s | capture("(?<env>[a-z]+)-(?<n>[0-9]+)")'],
  [
    '"mybucket.s3.eu-west-1.amazonaws.com" | capture(".*\\\\.(?<region>[^\\\\.]+)\\\\.amazonaws\\\\.com") | .region',
  ],
  ['[.csv | match("[a-c]"; "g") | .string]'],
  ['.csv | [scan("[a-c]")]'],
  // formats
  ['.s | @base64'],
  ['"cHJvZC00Mg==" | @base64d'],
  ['.s | @base32'],
  ['.Name | @uri'],
  ['[.s, .n] | @csv, @tsv'],
  ['.a | @json'],
  ['"<b>&" | @html'],
  ['"it\'s" | @sh'],
  // arithmetic
  ['.n + 1, .n - 0.5, .n * 3, .n / 4, .n % 3'],
  ['.f * 2, (.f | floor), (16 | sqrt), pow(2; 10)'],
  ['0.1 + 0.2'],
  ['{a: 1} + {b: 2}, [1, 2] - [2], "ab" * 2'],
  ['.a.list | length as $l | add / $l'],
  // definitions and variables
  ['def inc: . + 1; .n | inc | inc'],
  ['.n as $x | .a.list | map(. + $x)'],
  ['. as {a: {b: $b}} | $b'],
  ['try error("boom") catch .'],
  ['[.[] | numbers]'],
  // errors (jq's message must match)
  ['.s + 1'],
  ['.s.x'],
  ['.a.list.x'],
  ['error("custom failure")'],
  ['error({"code": 42})'],
  ['.n | keys'],
  ['.missing | test("a")'],
  ['.n / 0'],
  ['.items[0] | .[0]'],
  ['{} | has(0)'],
];

interface Outcome {
  outputs: unknown[];
  error: string | null;
}

/** jq's error text without the `jq: error (at <file>:N)` location, which names the input file. */
function errorText(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('jq: error')) ?? stderr.trim();
  return line.replace(/^jq: error \(at [^)]*\):? ?/, '').trim();
}

function lines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

function oracle(program: string, input: unknown): Outcome {
  const r = spawnSync('jq', ['-c', program], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.error) throw r.error;
  return { outputs: lines(r.stdout), error: r.status === 0 ? null : errorText(r.stderr) };
}

async function ours(pool: JqPool, program: string, input: unknown): Promise<Outcome> {
  try {
    return { outputs: lines(await pool.run(program, JSON.stringify(input))), error: null };
  } catch (err) {
    if (!(err instanceof JqError)) throw err;
    // jq stops at the first error: what it printed before stays in its stdout, which jq-web drops.
    return { outputs: [], error: errorText(err.stderr) };
  }
}

const pool = new JqPool({ size: 1, timeoutMs: 10_000 });
after(() => pool.close());

describe('jq oracle (Debian jq 1.6 vs jq-web)', () => {
  before(() => {
    try {
      execFileSync('jq', ['--version'], { stdio: 'pipe' });
    } catch {
      throw new Error(
        "The jq oracle tests need Debian's jq binary: run `apt-get install -y jq` (scripts/ensure-install.mjs does it for npm test).",
      );
    }
  });

  for (const [program, input = DOC] of CASES) {
    it(program, async () => {
      const expected = oracle(program, input);
      const actual = await ours(pool, program, input);
      if (expected.error === null) assert.deepEqual(actual, expected);
      else assert.equal(actual.error, expected.error);
    });
  }

  it('a mapping field gives jq’s first output (null when none) or jq’s error, per entity', async () => {
    // One entry per program (a kind may be listed many times), so a failing program fails only its
    // own entity. Organizations accounts are mapped with their object as the jq input: any object fits.
    const objectCases = CASES.filter(([, input = DOC]) => typeof input === 'object' && input !== null);
    for (const input of new Set(objectCases.map(([, i = DOC]) => i))) {
      const programs = objectCases.filter(([, i = DOC]) => i === input).map(([p]) => p);
      const entries = programs.map(
        (p) => `  - kind: ${ORGANIZATIONS_ACCOUNT_KIND}
    port:
      entity:
        mappings: { identifier: '"x"', blueprint: '"b"', properties: { v: ${JSON.stringify(p)} } }`,
      );
      const resource = {
        type: ORGANIZATIONS_ACCOUNT_KIND,
        identifier: 'x',
        region: 'us-east-1',
        accountId: 'x',
        properties: input as Record<string, unknown>,
      };
      const { entities, errors } = await previewMapping(`resources:\n${entries.join('\n')}\n`, [resource], {
        pool,
      });
      programs.forEach((program, i) => {
        const expected = oracle(program, input);
        const entity = entities.find((e) => e.mapping === i)?.entity;
        const error = errors.find((e) => e.mapping === i);
        if (expected.outputs.length) assert.deepEqual(entity?.properties.v, expected.outputs[0], program);
        else if (expected.error)
          assert.deepEqual([entity, error?.message], [undefined, expected.error], program);
        else assert.deepEqual(entity?.properties, { v: null }, program);
      });
      assert.equal(entities.length + errors.length, programs.length);
    }
  });
});
