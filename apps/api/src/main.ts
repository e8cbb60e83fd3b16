import 'reflect-metadata';
import { loadConfigOrExit } from '@tally/config';
import { createApiApp } from './app';
import { serveApi, withoutNestSignalHandlers } from './serve';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await withoutNestSignalHandlers(() => createApiApp(config));
  await serveApi(app, config);
}

process.on('uncaughtException', (err) => {
  // State is unknown after an uncaught exception: log it with its stack and stop at once.
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'uncaught exception; exiting', err: { message: err.message, stack: err.stack } })}\n`,
  );
  process.exit(1);
});
main().catch((err: Error) => {
  process.stderr.write(`api failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
