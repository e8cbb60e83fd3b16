// Runs every compiled test file (dist/**/*.test.js) with Node's test runner. One migrated template
// database is made for the run; each test file copies it (CREATE DATABASE … TEMPLATE), so files run
// in parallel without sharing state. Redis keys are prefixed per run. Everything is dropped at the end.
// Usage: node scripts/test.mjs [path filter …]   (TALLY_DIST=<dir> to test another build output)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const dist = join(root, process.env.TALLY_DIST ?? 'dist');
const { createMigratedDatabase } = require(join(dist, 'libs/testing/src/index.js'));

function findTests(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (entry.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = findTests(dist)
  .map((f) => relative(root, f))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();
if (!files.length) {
  console.error(`no test files match ${filters.join(' ') || '(all)'}; did you run npm run build?`);
  process.exit(1);
}

const runId = `tally-test-${Date.now().toString(36)}`;
const template = await createMigratedDatabase();
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TALLY_TEST_TEMPLATE_DB: template.name, TALLY_TEST_RUN_ID: runId, NODE_ENV: 'test' },
});
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await template.drop().catch((err) => console.error(`could not drop ${template.name}: ${err.message}`));
process.exit(code);
