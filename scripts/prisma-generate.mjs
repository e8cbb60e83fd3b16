// Generates the Prisma client offline. The CLI insists on a schema-engine binary path before it
// generates, though generate never runs it; any executable satisfies the check (documented for
// air-gapped machines), so we name node itself rather than let it try a download.
import { spawnSync } from 'node:child_process';

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/tally';
const r = spawnSync('npx', ['--no-install', 'prisma', 'generate'], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (r.status !== 0) {
  process.stdout.write(r.stdout);
  process.exit(r.status ?? 1);
}
process.exit(0);
