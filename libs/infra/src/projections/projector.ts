import type { Pool, PoolClient, QueryResult } from 'pg';
import { isConnectionError } from '../database/connection-loss';
import { createDb, type Db } from '../database/database';
import { inline } from '../database/sql-literal';
import { PROJECTION_TABLES, quoteIdent } from '../read-models/read-tables';
import type { EventLog, RecordedEvent } from '../event-log/event-log';
import { formatPosition, type Position } from '../event-log/position';
import { projectionActive, projectionEventsApplied, projectionHalted, projectionRetries } from '../observability/metrics';
import { asCheckpointMoved, CheckpointMoved, checkpointMove, markHalted, openCheckpoint } from './checkpoints';
import { companyProjection } from './company-projection';
import { connectorProjection } from './connector-projection';
import { applyProjected, composeProjections, type Projection, projectedOf } from './projection';
import { runReconnecting, sleep } from './reconnecting-run';
import { type Row, type RowStore, rowStoreFor } from './row-store';

export type ProjectorLogger = Readonly<{
  info: (fields: object, message: string) => void;
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
}>;

export type ProjectionState = 'standby' | 'running' | 'reconnecting' | 'halted' | 'stopped';
export type ProjectionStatus = Readonly<{ name: string; state: ProjectionState; position?: Position; lastError?: string }>;

export type ProjectorOptions = Readonly<{
  ownerPool: Pool;
  log: EventLog;
  projections?: readonly Projection[];
  batchSize?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  standbyPollMs?: number;
  logger?: ProjectorLogger;
}>;

export type Projector = Readonly<{ stop: () => Promise<void>; status: () => ProjectionStatus[] }>;

/** Every read table references companies and users, so they all share one checkpoint ('company'). */
export const ALL_PROJECTIONS: readonly Projection[] = [composeProjections('company', [companyProjection, connectorProjection])];

const LOCK_NAMESPACE = 727_002;
const quiet: ProjectorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const IDLE = Symbol('idle');
const nextTurn = (): Promise<typeof IDLE> => new Promise((resolve) => setImmediate(() => resolve(IDLE)));

/**
 * Runs projections: one instance per projection holds its advisory lock (others wait as
 * standby); each batch of events and the checkpoint move commit in one transaction.
 */
export function startProjector(options: ProjectorOptions): Projector {
  const controller = new AbortController();
  const db = createDb(options.ownerPool);
  const statuses = new Map<string, ProjectionStatus>();
  const runs = (options.projections ?? ALL_PROJECTIONS).map((projection) =>
    runReconnecting(projection.name, (onActive) => runProjection(projection, { ...options, db, signal: controller.signal, statuses, onActive }), {
      signal: controller.signal,
      statuses,
      logger: options.logger ?? quiet,
    }),
  );
  return {
    stop: async () => {
      controller.abort();
      await Promise.all(runs);
      // Not db.destroy(): that would end the caller's pool.
    },
    status: () => [...statuses.values()],
  };
}

type RunContext = ProjectorOptions & { db: Db; signal: AbortSignal; statuses: Map<string, ProjectionStatus>; onActive?: () => void };

async function acquireLock(client: PoolClient, name: string, ctx: RunContext): Promise<boolean> {
  while (!ctx.signal.aborted) {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_NAMESPACE, name]);
    if (rows[0]!.ok) return true;
    ctx.statuses.set(name, { name, state: 'standby' });
    projectionActive.set({ projection: name }, 0);
    await sleep(ctx.standbyPollMs ?? 1000, ctx.signal);
  }
  return false;
}

async function runProjection(projection: Projection, ctx: RunContext): Promise<void> {
  const { name } = projection;
  const logger = ctx.logger ?? quiet;
  const lockClient = await ctx.ownerPool.connect();
  const ignore = (): void => undefined;
  lockClient.on('error', ignore);
  try {
    if (!(await acquireLock(lockClient, name, ctx))) return;
    projectionActive.set({ projection: name }, 1);
    projectionHalted.set({ projection: name }, 0);
    let position = (await openCheckpoint(ctx.db, name)).position;
    ctx.statuses.set(name, { name, state: 'running', position });
    ctx.onActive?.();
    logger.info({ projection: name, position: formatPosition(position) }, 'projection active');

    const events = ctx.log.subscribeAll({ after: position, signal: ctx.signal, batchSize: ctx.batchSize ?? 500 })[Symbol.asyncIterator]();
    // The next event is asked for while a batch is applied; if the subscription fails meanwhile
    // (the database shutting down) that failure is awaited at the next turn, not left unhandled
    // to kill the process.
    const ask = (): Promise<IteratorResult<RecordedEvent>> => {
      const next = events.next();
      next.catch(() => undefined);
      return next;
    };
    let pending = ask();
    let carried: RecordedEvent | undefined;
    const size = ctx.batchSize ?? 500;
    while (!ctx.signal.aborted) {
      let head = carried;
      carried = undefined;
      if (!head) {
        const first = await pending;
        if (first.done) break;
        head = first.value;
        pending = ask();
      }
      const batch: RecordedEvent[] = [head];
      // Take whatever the subscription already holds; stop at the first wait for I/O. The size
      // limit never cuts inside one transaction: an approval and the role changes it causes
      // become visible to readers together.
      for (;;) {
        const next = await Promise.race([pending, nextTurn()]);
        if (next === IDLE || next.done) break;
        pending = ask();
        if (batch.length >= size && next.value.position.commit !== batch[batch.length - 1]!.position.commit) {
          carried = next.value;
          break;
        }
        batch.push(next.value);
      }
      const halted = await applyBatch(projection, batch, position, ctx);
      if (halted) {
        ctx.statuses.set(name, { name, state: 'halted', position, lastError: halted });
        await events.return?.();
        return;
      }
      position = batch[batch.length - 1]!.position;
      ctx.statuses.set(name, { name, state: 'running', position });
    }
    await events.return?.();
    ctx.statuses.set(name, { name, state: 'stopped', position });
  } finally {
    projectionActive.set({ projection: name }, 0);
    await lockClient.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, name]).catch(() => undefined);
    lockClient.off('error', ignore);
    lockClient.release();
  }
}

/**
 * A projection's transaction does not wait for its commit to reach the disk: the read tables are
 * the log's derivative, and an asynchronous commit loses only whole transactions, rows and
 * checkpoint together, in a crash of the server itself. The projector then applies them again
 * from the checkpoint that did persist: nothing lost, nothing applied twice. It saves the
 * projector a WAL flush per batch, which is most of a live batch's time.
 */
const beginFor = (projection: string): string =>
  'BEGIN; SET LOCAL ROLE service_role; SET LOCAL synchronous_commit = off; ' +
  // The write locks first, in the order rebuild and verify take theirs (table-swap.ts): a batch
  // never holds a read lock while it waits for theirs, which would deadlock with their upgrade.
  `LOCK TABLE ${[...(PROJECTION_TABLES[projection] ?? []), 'projection_checkpoints'].map((t) => `public.${quoteIdent(t)}`).join(', ')} IN ROW EXCLUSIVE MODE`;
const BEGIN_STATEMENTS = 4;

/**
 * One batch in one transaction, in one or two round trips whatever its size: the rows the batch
 * reads, all at once (RowStore.preload), then its writes, the checkpoint's compare-and-set move
 * and COMMIT together. Every statement goes as a simple query with its values as literals
 * (sql-literal.ts), so BEGIN rides on the first of them; if any statement fails, none of the
 * rest runs and nothing commits.
 */
async function commit(projection: Projection, batch: readonly RecordedEvent[], from: Position, pool: Pool): Promise<void> {
  const client = await pool.connect();
  let begun = false;
  const send = async (statements: readonly [string, readonly unknown[]][], end = ''): Promise<Row[][]> => {
    const text = statements.map(([sql, params]) => inline(sql, params)).join(';\n') + end;
    const results = resultsOf(await client.query(begun ? text : `${beginFor(projection.name)};\n${text}`));
    const skipped = begun ? 0 : BEGIN_STATEMENTS;
    begun = true;
    return results.slice(skipped);
  };
  try {
    const rows = rowStoreFor(projection.name, async (text, params) => (await send([[text, params]]))[0]!, false);
    const events = projectedOf(projection, batch);
    const apply = (store: RowStore): Promise<void> => applyProjected(projection, store, events);
    await rows.preload(apply, (statements) => send(statements));
    await apply(rows);
    await send([...rows.takeChanges(), checkpointMove(projection.name, from, batch[batch.length - 1]!.position, batch.length)], ';\nCOMMIT');
  } catch (error) {
    // Harmless when no transaction began; needed when BEGIN went through and a later statement failed.
    await client.query('ROLLBACK').catch(() => undefined);
    throw asCheckpointMoved(error, projection.name);
  } finally {
    client.release();
  }
  projectionEventsApplied.inc({ projection: projection.name }, batch.length);
}

/** pg answers a simple query of one statement with a result, of several with a list of them. */
const resultsOf = (result: QueryResult | QueryResult[]): Row[][] => (Array.isArray(result) ? result : [result]).map((r) => r.rows as Row[]);

/**
 * Applies a batch; on an error, retries event by event with backoff so the failing event is
 * found exactly. Returns the halt reason when an event keeps failing: nothing is ever skipped.
 */
async function applyBatch(projection: Projection, batch: readonly RecordedEvent[], from: Position, ctx: RunContext): Promise<string | undefined> {
  try {
    await commit(projection, batch, from, ctx.ownerPool);
    return undefined;
  } catch (error) {
    // A lost connection is no event's fault: retrying event by event would count it toward a halt.
    if (error instanceof CheckpointMoved || isConnectionError(error)) throw error;
  }
  const logger = ctx.logger ?? quiet;
  let position = from;
  for (const event of batch) {
    for (let attempt = 1; ; attempt++) {
      try {
        await commit(projection, [event], position, ctx.ownerPool);
        break;
      } catch (error) {
        if (error instanceof CheckpointMoved || isConnectionError(error)) throw error;
        const where = { projection: projection.name, type: event.type, stream: event.streamId, revision: event.revision.toString() };
        if (attempt > (ctx.maxRetries ?? 5) || ctx.signal.aborted) {
          const reason = `${event.type} ${event.streamId}@${event.revision}: ${(error as Error).message}`;
          logger.error({ ...where, err: (error as Error).message }, 'projection halted: an event keeps failing');
          projectionHalted.set({ projection: projection.name }, 1);
          await markHalted(ctx.db, projection.name, reason);
          return reason;
        }
        projectionRetries.inc({ projection: projection.name });
        logger.warn({ ...where, attempt, err: (error as Error).message }, 'projection handler failed; retrying');
        await sleep((ctx.retryBaseMs ?? 100) * 2 ** (attempt - 1), ctx.signal);
      }
    }
    position = event.position;
  }
  return undefined;
}
