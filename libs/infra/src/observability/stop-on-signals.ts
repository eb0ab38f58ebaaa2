import type { Logger } from 'pino';

/**
 * How long stopping may take. With the database gone, closing pools or waiting for the
 * projector's last batch can wait on it for a long time; the operator asked to stop, so past this
 * the process exits anyway (an embedded PostgreSQL still gets its signal on the way out).
 */
export const SHUTDOWN_MS = 4000;

/** Runs each shutdown step on its own: one failing (the database already gone) must not skip the rest. */
export const shutdownStep =
  (logger: Logger) =>
  (name: string, work: () => Promise<unknown>): Promise<unknown> =>
    work().catch((error: unknown) => logger.warn({ step: name, err: (error as Error).message }, 'shutdown step failed'));

/**
 * SIGINT and SIGTERM stop the process through `stop`, within SHUTDOWN_MS whatever `stop` waits
 * on. Under `npm start` a Ctrl-C arrives twice (from the terminal, and forwarded by npm): the
 * handlers stay installed so that a repeat neither restarts nor cuts short the shutdown.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>, limitMs = SHUTDOWN_MS): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const forced = setTimeout(() => {
      logger.warn({ afterMs: limitMs }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, limitMs);
    await stop();
    clearTimeout(forced);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
