import { Logger, type INestApplicationContext } from '@nestjs/common';

const SIGNALS = ['SIGTERM', 'SIGINT'];

/** A Nest application; its close() passes a reason on to the shutdown hooks as their `signal`. */
type ShutdownHookApp = Pick<INestApplicationContext, 'enableShutdownHooks'> & {
  close(reason?: string): Promise<void>;
};

/**
 * Runs a process's `main`: an exception nothing caught, or a failed start, is written to stderr
 * with its stack and ends the process with exit 1 (its state is unknown from then on).
 */
export function runMain(name: string, main: () => Promise<void>): void {
  process.on('uncaughtException', (err) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'uncaught exception; exiting', err: { message: err.message, stack: err.stack } })}\n`,
    );
    process.exit(1);
  });
  main().catch((err: Error) => {
    process.stderr.write(`${name} failed to start: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}

/**
 * Hands the end of the process to Nest's shutdown hooks: SIGTERM/SIGINT run them (enableShutdownHooks)
 * and exit 0; an unhandled rejection is logged with its stack and runs them too, then exits 1; a
 * shutdown still running `hardStopMs` after it began exits 1.
 */
export function exitThroughShutdownHooks(app: ShutdownHookApp, hardStopMs: number): void {
  const logger = new Logger('process');
  const hardStop = (reason: string) =>
    setTimeout(() => {
      logger.error({ reason }, 'shutdown took too long; exiting');
      process.exit(1);
    }, hardStopMs).unref();
  app.enableShutdownHooks(SIGNALS, { useProcessExit: true });
  for (const signal of SIGNALS) process.once(signal, () => hardStop(signal));
  process.on('unhandledRejection', (reason) => {
    logger.error(
      { err: reason, context: 'unhandledRejection' },
      'unhandled promise rejection; shutting down',
    );
    hardStop('unhandledRejection');
    app.close('unhandledRejection').then(
      () => process.exit(1),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  });
}
