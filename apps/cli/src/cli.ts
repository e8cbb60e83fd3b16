import { parseArgs } from 'node:util';
import { TallyError } from '@tally/common';
import type { AppConfig } from '@tally/config';
import { EXIT, UsageError, withTimeout, type CliCommand, type CliOutput } from './cli.command';
import { apiKeysCreate, apiKeysRevoke } from './commands/api-keys.command';
import { connectionsList, connectionsVerify } from './commands/connections.command';
import { destinationsList, destinationsReplay, destinationsTest } from './commands/destinations.command';
import { queues } from './commands/queues.command';
import { rotateSigningKey } from './commands/rotate-signing-key.command';
import { sync } from './commands/sync.command';
import { tenantsCreate } from './commands/tenants.command';

const COMMANDS: CliCommand[] = [
  tenantsCreate,
  apiKeysCreate,
  apiKeysRevoke,
  connectionsList,
  connectionsVerify,
  destinationsList,
  destinationsTest,
  destinationsReplay,
  sync,
  rotateSigningKey,
  queues,
];

const PROGRAM = 'npm run cli --';

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Operator commands against the database and queues named by DATABASE_URL, REDIS_URL and REDIS_PREFIX.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's details.`,
    'Exit codes: 0 ok, 1 failed (or a sync that failed), 2 usage error, 3 sync partial, 4 --timeout reached.',
  ].join('\n');
}

function commandHelp(c: CliCommand): string {
  return [`Usage: ${PROGRAM} ${c.usage}`, '', c.summary + '.', ...(c.details ? ['', c.details] : [])].join(
    '\n',
  );
}

/** Finds the command whose words start argv (longest first); the rest are its arguments. */
function resolve(argv: string[]): { command?: CliCommand; rest: string[] } {
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const c of sorted) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) };
  }
  return { rest: argv };
}

function parse(c: CliCommand, rest: string[]) {
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...c.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  const max = c.positionals?.length ?? 0;
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
  return { values: values as Record<string, string | boolean | undefined>, positionals };
}

/**
 * Runs one CLI invocation and returns its exit code. `loadConfig` is called only when a command
 * actually runs (so --help works without any environment).
 */
export async function runCli(argv: string[], io: CliOutput, loadConfig: () => AppConfig): Promise<number> {
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length ? io.out : io.err)(globalHelp());
    return argv.length ? EXIT.ok : EXIT.usage;
  }
  const { command, rest } = resolve(argv);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name);
    io.err(
      group.length
        ? `error: "${argv.slice(0, 2).join(' ')}" is not a command; did you mean ${group.map((g) => `"${g}"`).join(' or ')}?`
        : `error: unknown command "${argv[0]}"`,
    );
    io.err(`Run "${PROGRAM} --help" for the list of commands.`);
    return EXIT.usage;
  }
  let args;
  try {
    args = parse(command, rest);
    if (args.values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    command.validate?.(args);
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    io.err(`Usage: ${PROGRAM} ${command.usage}   (see --help)`);
    return EXIT.usage;
  }
  const config = loadConfig();
  const { CliContext } = await import('./cli.context.js');
  const ctx = new CliContext(config);
  try {
    return await command.run(ctx, args, io);
  } catch (err) {
    io.err(describeError(err));
    return EXIT.failed;
  } finally {
    // A pool that will not close must not keep the operator waiting: the work is done.
    await withTimeout(ctx.close(), 5000, 'closing connections').catch(() => undefined);
  }
}

/** One or two lines a person can act on; never a stack trace for known errors. */
function describeError(err: unknown): string {
  if (err instanceof TallyError) {
    const fields = (err.details.fields ?? []).map((f) => `\n  ${f.field} ${f.message}`).join('');
    const fix = err.details.remediation ? `\n  fix: ${err.details.remediation}` : '';
    return `error: ${err.message}${fields}${fix}`;
  }
  const e = err as Error & { code?: string };
  if (
    e?.code === 'ECONNREFUSED' ||
    /connect ECONNREFUSED|Can't reach database|database .* does not exist/i.test(e?.message ?? '')
  ) {
    return `error: cannot reach a service: ${e.message.split('\n')[0]}\n  fix: check DATABASE_URL / REDIS_URL and that PostgreSQL and Redis are running`;
  }
  if (/did not answer within/.test(e?.message ?? ''))
    return `error: ${e.message}\n  fix: check REDIS_URL and that Redis is running`;
  return `error: ${e?.stack ?? String(err)}`;
}
