import { isConnectionError, reconnectDelayMs } from '../database/connection-loss';
import { projectionActive } from '../observability/metrics';
import type { ProjectionStatus, ProjectorLogger } from './projector';

type Supervision = Readonly<{ signal: AbortSignal; statuses: Map<string, ProjectionStatus>; logger: ProjectorLogger }>;

/** Waits `ms`, or less when the projector is stopped meanwhile. */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/**
 * Runs a projection until it is stopped. When the database goes away the run starts over from
 * its checkpoint once the server is back: the batch in flight never committed, so nothing is
 * lost or applied twice. It tries again after 100 ms, doubling up to 5 s, so a server that stays
 * down costs a connection attempt every few seconds, not a busy loop; a run that got going again
 * (`onActive`) starts the count over. Any other failure stops the projection, as it always did.
 */
export async function runReconnecting(name: string, run: (onActive: () => void) => Promise<void>, { signal, statuses, logger }: Supervision): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      await run(() => {
        if (failures > 0) logger.info({ projection: name }, 'database reachable again; projection resumed from its checkpoint');
        failures = 0;
      });
      return;
    } catch (error) {
      if (signal.aborted) return;
      if (!isConnectionError(error)) {
        statuses.set(name, { name, state: 'stopped', lastError: String(error) });
        logger.error({ projection: name, err: String(error) }, 'projection stopped');
        return;
      }
      failures += 1;
      statuses.set(name, { name, state: 'reconnecting', lastError: (error as Error).message });
      projectionActive.set({ projection: name }, 0);
      // Once per outage: the attempts after it would only repeat the same line.
      if (failures === 1) logger.warn({ projection: name, err: (error as Error).message }, 'database unreachable; projection waits for it');
      await sleep(reconnectDelayMs(failures), signal);
    }
  }
}
