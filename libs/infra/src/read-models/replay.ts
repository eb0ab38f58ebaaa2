import type { Pool } from 'pg';
import { inTransaction } from '../database/database';
import type { EventLog, RecordedEvent } from '../event-log/event-log';
import { comparePositions, type Position } from '../event-log/position';
import { applyProjected, type Projection, projectedOf } from '../projections/projection';
import { rowStoreFor } from '../projections/row-store';
import { quoteIdent } from './read-tables';

/** Where a replay stops: at a log position, or before the first event recorded after a moment. */
export type ReplayBound = Readonly<{ position?: Position; time?: Date }>;

export type ReplayProgress = Readonly<{ phase: string; done: number; total: number; position: Position }>;

export type ReplayResult = Readonly<{ position: Position; applied: number; reachedBound: boolean }>;

export type ReplayStretch = Readonly<{ after: Position; until?: ReplayBound; phase?: string; onProgress?: (progress: ReplayProgress) => void }>;

/** Replays stretches of the log, one after the other, into the same copies of the read tables. */
export type Replayer = Readonly<{ replay: (stretch: ReplayStretch) => Promise<ReplayResult> }>;

type Statements = [string, unknown[]][];

/**
 * Replays the log into the (empty, at first) copies of a projection's tables in `schema`, with
 * the projection's own handlers, the same code as live. The rows are held in memory, so an
 * event never waits for a read; each page's changes go out as a few multi-row statements in
 * one transaction while the next page is read and applied.
 */
export function createReplayer(owner: Pool, log: EventLog, projection: Projection, schema: string, pageSize = 5000): Replayer {
  const rows = rowStoreFor(projection.name, () => Promise.reject(new Error('a replay reads nothing back')), true);
  const skipped = skippedEventIds(owner, projection.name);
  skipped.catch(() => undefined);
  return {
    replay: async (stretch) => {
      const skip = await skipped;
      const total = await countEvents(owner, stretch.after, stretch.until);
      let position = stretch.after;
      let applied = 0;
      let writing: Promise<void> = Promise.resolve();
      let next = readAhead(log, position, pageSize);
      for (;;) {
        const page = await next;
        const cut = withinBound(page, stretch.until);
        const reachedBound = cut.length < page.length || page.length === 0;
        if (cut.length === 0) {
          await writing;
          // Every stretch reports its end, an empty one too: "nothing left" is news for the operator.
          if (applied === 0) stretch.onProgress?.({ phase: stretch.phase ?? 'replay', done: 0, total: 0, position });
          return { position, applied, reachedBound };
        }
        if (!reachedBound) next = readAhead(log, cut[cut.length - 1]!.position, pageSize);
        await applyProjected(projection, rows, projectedOf(projection, cut.filter((event) => !skip.has(event.eventId))));
        const changes = rows.takeChanges();
        await writing;
        writing = writeChanges(owner, schema, changes);
        writing.catch(() => undefined);
        position = cut[cut.length - 1]!.position;
        applied += cut.length;
        stretch.onProgress?.({ phase: stretch.phase ?? 'replay', done: applied, total: Math.max(total, applied), position });
        if (reachedBound) {
          await writing;
          return { position, applied, reachedBound };
        }
      }
    },
  };
}

/** One stretch into fresh copies: for callers that replay once. */
export function replayInto(options: { owner: Pool; log: EventLog; projection: Projection; schema: string } & ReplayStretch): Promise<ReplayResult> {
  return createReplayer(options.owner, options.log, options.projection, options.schema).replay(options);
}

function readAhead(log: EventLog, after: Position, limit: number): Promise<RecordedEvent[]> {
  const page = log.readAll({ after, limit });
  page.catch(() => undefined);
  return page;
}

function withinBound(page: readonly RecordedEvent[], until: ReplayBound | undefined): readonly RecordedEvent[] {
  if (!until) return page;
  const limit = until.time?.getTime();
  const stop = page.findIndex(
    (event) =>
      (until.position !== undefined && comparePositions(event.position, until.position) > 0) ||
      (limit !== undefined && Date.parse(event.createdAt) > limit),
  );
  return stop < 0 ? page : page.slice(0, stop);
}

async function writeChanges(owner: Pool, schema: string, statements: Statements): Promise<void> {
  if (statements.length === 0) return;
  await inTransaction(owner, async (client) => {
    // Nothing reads the copies until they are complete, and a crash means starting over: the
    // replay need not wait for each commit to reach the disk.
    await client.query(`SET LOCAL ROLE service_role; SET LOCAL search_path = ${quoteIdent(schema)}, public; SET LOCAL synchronous_commit = off`);
    for (const [text, params] of statements) await client.query(text, params);
  });
}

/** Events an operator skipped in this projection (recorded in the log): a replay skips them too. */
export async function skippedEventIds(owner: Pool, projection: string): Promise<ReadonlySet<string>> {
  const { rows } = await owner.query<{ id: string }>(
    `SELECT e.data->>'eventId' AS id FROM event_log.events e WHERE e.type = 'ProjectionEventSkipped' AND e.data->>'projection' = $1`,
    [projection],
  );
  return new Set(rows.map((row) => row.id));
}

/** How many events lie after `after` and within `until`: what progress counts towards. */
export async function countEvents(owner: Pool, after: Position, until: ReplayBound | undefined): Promise<number> {
  const { rows } = await owner.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM event_log.events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        AND ($3::text IS NULL OR (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint))
        AND ($5::timestamptz IS NULL OR e.created_at <= $5::timestamptz)`,
    [after.commit.toString(), after.prepare.toString(), until?.position?.commit.toString() ?? null, until?.position?.prepare.toString() ?? null, until?.time?.toISOString() ?? null],
  );
  return Number(rows[0]!.n);
}
