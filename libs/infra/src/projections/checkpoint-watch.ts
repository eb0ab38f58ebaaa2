import type { Pool, PoolClient } from 'pg';
import { reconnectDelayMs } from '../database/connection-loss';
import { comparePositions, parsePosition, type Position } from '../event-log/position';

export type CheckpointReached = 'reached' | 'halted' | 'timeout';

export type CheckpointWatch = Readonly<{
  /** Resolves as soon as the projection's checkpoint is at or past `position` (read first, then notified), or it halts, or time runs out. */
  reached: (position: Position, timeoutMs: number, signal?: AbortSignal) => Promise<CheckpointReached>;
  stop: () => Promise<void>;
}>;

type Listener = Readonly<{ client: PoolClient; close: (broken: boolean) => void }>;
type Waiter = { position: Position; settle: (outcome: CheckpointReached) => void };

/** Slow enough to cost nothing, fast enough that a lost notification costs little. */
const RECHECK_MS = 250;

/**
 * One LISTEN connection per process on the checkpoint's notifications (sent by
 * move_projection_checkpoint on commit), so read-your-writes waits wake the moment the rows
 * are visible instead of at the next poll. Every waiter also reads the checkpoint when it
 * starts and every RECHECK_MS, so a notification missed while (re)connecting only delays it.
 */
export function watchCheckpoint(pool: Pool, name: string): CheckpointWatch {
  const waiters = new Set<Waiter>();
  let latest: Position | undefined;
  let listener: Promise<Listener | undefined> | undefined;
  let stopped = false;
  // While the database is away, LISTEN is tried again only after a pause that doubles up to 5 s:
  // the waiters' rechecks keep answering meanwhile, and a request never waits on a connect.
  let failures = 0;
  let retryAt = 0;
  const failed = (): void => {
    failures += 1;
    retryAt = Date.now() + reconnectDelayMs(failures);
  };

  // The checkpoint as last seen; a read replaces it (a rebuild may have moved it anywhere),
  // a notification only moves it forward.
  const advance = (position: Position, read = false): void => {
    if (read || latest === undefined || comparePositions(position, latest) > 0) latest = position;
    for (const waiter of waiters) if (comparePositions(latest, waiter.position) >= 0) waiter.settle('reached');
  };
  const halt = (): void => {
    for (const waiter of waiters) waiter.settle('halted');
  };

  const onNotification = (message: { channel: string; payload?: string }): void => {
    const [projection, at] = (message.payload ?? '').split(' ');
    const position = projection === name && at !== undefined ? parsePosition(at) : undefined;
    if (position) advance(position);
  };

  /** The LISTEN connection; `close` gives it back exactly once, broken or not. */
  const connect = (): Promise<Listener | undefined> =>
    (async () => {
      const client = await pool.connect();
      let closed = false;
      const close = (broken: boolean): void => {
        if (closed) return;
        closed = true;
        client.off('notification', onNotification);
        client.off('error', onError);
        client.release(broken);
        listener = undefined;
      };
      // A dropped connection: the next waiter (or recheck) listens again.
      const onError = (): void => close(true);
      client.on('error', onError);
      client.on('notification', onNotification);
      try {
        await client.query('LISTEN projection_checkpoint');
        failures = 0;
        return { client, close };
      } catch {
        close(true);
        failed();
        return undefined;
      }
    })().catch(() => {
      listener = undefined;
      failed();
      return undefined;
    });

  /** The LISTEN connection, made once, or made again once a failed attempt's pause is over. */
  const listen = (): Promise<Listener | undefined> => {
    if (stopped || (listener === undefined && Date.now() < retryAt)) return Promise.resolve(undefined);
    return (listener ??= connect());
  };

  const read = async (): Promise<void> => {
    const { rows } = await pool.query<{ commit_position: string; prepare_position: string; status: string }>(
      'SELECT commit_position, prepare_position, status FROM public.projection_checkpoints WHERE name = $1',
      [name],
    );
    const row = rows[0];
    if (!row) return;
    advance({ commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }, true);
    // A halted projection will not catch up by itself; waiting would only delay the answer.
    if (row.status === 'halted') halt();
  };

  const reached = async (position: Position, timeoutMs: number, signal?: AbortSignal): Promise<CheckpointReached> => {
    let timer: NodeJS.Timeout | undefined;
    let recheck: NodeJS.Timeout | undefined;
    const outcome = new Promise<CheckpointReached>((resolve) => {
      const waiter: Waiter = {
        position,
        settle: (result) => {
          waiters.delete(waiter);
          clearTimeout(timer);
          clearInterval(recheck);
          resolve(result);
        },
      };
      waiters.add(waiter);
      timer = setTimeout(() => waiter.settle('timeout'), timeoutMs);
      signal?.addEventListener('abort', () => waiter.settle('timeout'), { once: true });
      recheck = setInterval(() => {
        void listen();
        void read().catch(() => undefined);
      }, RECHECK_MS);
    });
    // LISTEN before the first read: a move between the two is then seen by one or the other.
    await listen();
    await read().catch(() => undefined);
    return outcome;
  };

  return {
    reached,
    stop: async () => {
      stopped = true;
      for (const waiter of waiters) waiter.settle('timeout');
      const open = await listener;
      if (open) {
        await open.client.query('UNLISTEN projection_checkpoint').catch(() => undefined);
        open.close(false);
      }
      listener = undefined;
    },
  };
}
