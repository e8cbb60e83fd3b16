// `npm run start:sandbox`: the sandbox as a process, configured by SANDBOX_PORT (4566),
// SANDBOX_HOST (127.0.0.1) and SANDBOX_SCENARIO (path to a JSON or YAML scenario file).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { startSandbox } from './sandbox';

function loadScenario(path: string | undefined): unknown {
  if (!path) return undefined;
  const text = readFileSync(path, 'utf8');
  return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    port: Number(process.env.SANDBOX_PORT ?? 4566),
    host: process.env.SANDBOX_HOST ?? '127.0.0.1',
    scenario: loadScenario(process.env.SANDBOX_SCENARIO),
    log: process.env.SANDBOX_LOG === '1',
  });
  process.stdout.write(`${JSON.stringify({ msg: 'aws-sandbox listening', url: sandbox.url })}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${JSON.stringify({ msg: 'aws-sandbox stopping', signal })}\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`aws-sandbox failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
