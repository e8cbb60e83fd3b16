import 'reflect-metadata';
import { loadConfigOrExit } from '@tally/config';
import { runCli } from './cli';

// The operator CLI: `npm run cli -- --help`. Exit codes: 0 ok, 1 failed, 2 usage, 3 partial sync, 4 timeout.
const tty = Boolean(process.stdout.isTTY);
runCli(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    tty,
  },
  () => loadConfigOrExit(),
).then(
  (code) => {
    process.exitCode = code;
    // Pools and sockets are closed; a lingering timer from a library must not keep the CLI alive.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err: Error) => {
    process.stderr.write(`error: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
