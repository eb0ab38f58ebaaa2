import type { Pool } from 'pg';
import type { EventLog, RecordedEvent } from '../event-log/event-log';
import { comparePositions, type Position } from '../event-log/position';
import { inTransaction } from '../database/database';
import type { Projection } from '../projections/projection';
import { recordStatements } from '../projections/statement-batch';
import { quoteIdent } from './read-tables';

/** Where a replay stops: at a log position, or before the first event recorded after a moment. */
export type ReplayBound = Readonly<{ position?: Position; time?: Date }>;

export type ReplayProgress = Readonly<{ phase: string; done: number; total: number; position: Position }>;

export type ReplayOptions = Readonly<{
  owner: Pool;
  log: EventLog;
  projection: Projection;
  /** The schema whose copies of the read tables receive the rows. */
  schema: string;
  after: Position;
  until?: ReplayBound;
  pageSize?: number;
  phase?: string;
  onProgress?: (progress: ReplayProgress) => void;
}>;

export type ReplayResult = Readonly<{ position: Position; applied: number; reachedBound: boolean }>;

/**
 * Replays the log into the copies of a projection's tables in `schema`, with the projection's
 * own handlers (the same code as live, bound to the copies by search_path). Pages are read
 * ahead while the previous one is applied; each page commits in one transaction.
 */
export async function replayInto(options: ReplayOptions): Promise<ReplayResult> {
  const skipped = await skippedEventIds(options.owner, options.projection.name);
  const total = await countEvents(options.owner, options.after, options.until);
  const pageSize = options.pageSize ?? 5000;
  let position = options.after;
  let applied = 0;
  let next = options.log.readAll({ after: position, limit: pageSize });
  for (;;) {
    const page = await next;
    const cut = withinBound(page, options.until);
    const reachedBound = cut.length < page.length;
    if (cut.length === 0) return { position, applied, reachedBound: reachedBound || page.length === 0 };
    // Read ahead while this page is written: the log and the tables are different connections.
    if (!reachedBound) next = options.log.readAll({ after: cut[cut.length - 1]!.position, limit: pageSize });
    await applyPage(options.owner, options.projection, options.schema, cut, skipped);
    position = cut[cut.length - 1]!.position;
    applied += cut.length;
    options.onProgress?.({ phase: options.phase ?? 'replay', done: applied, total: Math.max(total, applied), position });
    if (reachedBound) return { position, applied, reachedBound };
  }
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

/**
 * Companies never share a read-table row, so a page is split by tenant into independent lanes
 * written in parallel (each lane keeps its events in log order); the page ends when all commit.
 */
async function applyPage(owner: Pool, projection: Projection, schema: string, events: readonly RecordedEvent[], skipped: ReadonlySet<string>): Promise<void> {
  const lanes: RecordedEvent[][] = Array.from({ length: LANES }, () => []);
  for (const event of events) {
    if (projection.handles.has(event.type) && !skipped.has(event.eventId)) lanes[laneOf(event.metadata.tenant?.companyId)]!.push(event);
  }
  await Promise.all(lanes.filter((lane) => lane.length > 0).map((lane) => writeLane(owner, projection, schema, lane)));
}

const LANES = 2;

function laneOf(companyId: string | undefined): number {
  if (companyId === undefined) return 0;
  let hash = 0;
  for (let i = 0; i < companyId.length; i++) hash = (hash * 31 + companyId.charCodeAt(i)) | 0;
  return Math.abs(hash) % LANES;
}

async function writeLane(owner: Pool, projection: Projection, schema: string, events: readonly RecordedEvent[]): Promise<void> {
  const statements = await recordStatements(async (trx) => {
    for (const event of events) await projection.apply(trx, event);
  });
  await inTransaction(owner, async (client) => {
    // Nothing reads the copies until they are complete, and a crash means starting over: the
    // replay need not wait for each commit to reach the disk.
    await client.query(`SET LOCAL ROLE service_role; SET LOCAL search_path = ${quoteIdent(schema)}, public; SET LOCAL synchronous_commit = off`);
    await client.query(statements.join(';\n'));
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

async function countEvents(owner: Pool, after: Position, until: ReplayBound | undefined): Promise<number> {
  const { rows } = await owner.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM event_log.events e
      WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        AND ($3::text IS NULL OR (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint))
        AND ($5::timestamptz IS NULL OR e.created_at <= $5::timestamptz)`,
    [after.commit.toString(), after.prepare.toString(), until?.position?.commit.toString() ?? null, until?.position?.prepare.toString() ?? null, until?.time?.toISOString() ?? null],
  );
  return Number(rows[0]!.n);
}
