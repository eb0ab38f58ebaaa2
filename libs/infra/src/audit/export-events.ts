import type { Pool } from 'pg';
import type { EventMetadata, RecordedEvent } from '../event-log/event-log';
import { COLUMNS, type EventRow, toRecorded } from '../event-log/event-rows';
import { formatPosition, parsePosition, type Position } from '../event-log/position';
import { buildManifest, manifestLine, StreamTally } from './export-manifest';

/** One line of an audit export: everything needed to recompute the event's hash offline. */
export type ExportedEvent = Readonly<{
  stream: string;
  revision: string;
  position: string;
  type: string;
  /** As recorded, never upcast: the hash covers exactly these values. */
  data: unknown;
  metadata: EventMetadata;
  createdAt: string;
}>;

export type ExportScope = Readonly<{
  companyId: string;
  /** Inclusive lower bound on created_at (the time the log recorded the event). */
  from?: Date;
  /** Exclusive upper bound on created_at. */
  to?: Date;
  pageSize?: number;
  /** How long to wait for transactions still open below the newest committed event. */
  settleMs?: number;
}>;

/** The one shape every audit answer and export line shows an event in. */
export const toExportedEvent = (event: RecordedEvent): ExportedEvent => ({
  type: event.type,
  stream: event.streamId,
  revision: event.revision.toString(),
  position: formatPosition(event.position),
  // As recorded, not upcast: auditors verify the hash chain over exactly these bytes. Secrets
  // are never in them (credential events carry ciphertext, key id and checksum only).
  data: event.data,
  metadata: event.metadata,
  createdAt: event.createdAt,
});

/**
 * The time bounds are on created_at, not metadata.occurredAt: created_at comes from the database
 * clock while the stream row is locked, so it grows with the revision in every stream and a time
 * window cuts each stream into one contiguous run whose chain still verifies. occurredAt is the
 * command's clock: two concurrent commands on one stream can record it out of revision order.
 */
const PAGE_SQL = `
  SELECT ${COLUMNS}
    FROM event_log.events e
   WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
     AND e.transaction_id < $3::text::xid8
     AND e.metadata -> 'tenant' ->> 'companyId' = $4
     AND ($5::timestamptz IS NULL OR e.created_at >= $5::timestamptz)
     AND ($6::timestamptz IS NULL OR e.created_at < $6::timestamptz)
   ORDER BY e.transaction_id, e.global_position
   LIMIT $7`;

const HORIZON_SQL = `
  SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
         (SELECT e.transaction_id::text FROM event_log.events e ORDER BY e.transaction_id DESC LIMIT 1) AS head`;

/**
 * The horizon to export below: readers must stay under the oldest open transaction, but an
 * auditor asking now expects every event committed before the request. So wait, bounded, until
 * no transaction older than the newest committed event is open (a projector batch, a slow
 * append); past the bound, export the consistent prefix that is safe and say nothing more.
 */
async function settledHorizon(pool: Pool, settleMs: number): Promise<string> {
  const deadline = Date.now() + settleMs;
  const first = (await pool.query<{ horizon: string; head: string | null }>(HORIZON_SQL)).rows[0]!;
  let horizon = first.horizon;
  while (first.head !== null && BigInt(first.head) >= BigInt(horizon) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    horizon = (await pool.query<{ horizon: string }>(HORIZON_SQL)).rows[0]!.horizon;
  }
  return horizon;
}

/**
 * One company's events in log order, page by page (keyset on the log order, so memory stays
 * one page whatever the history's size). The horizon is fixed when the export starts: nothing
 * can still appear below it, so the export is a consistent prefix of the log with no gaps,
 * and events appended while it streams are left for the next export rather than half-included.
 */
export async function* exportEventPages(pool: Pool, scope: ExportScope): AsyncGenerator<ExportedEvent[]> {
  const pageSize = scope.pageSize ?? 500;
  const horizon = await settledHorizon(pool, scope.settleMs ?? 5000);
  let after: Position = { commit: 0n, prepare: 0n };
  for (;;) {
    const page = await pool.query<EventRow>(PAGE_SQL, [
      after.commit.toString(),
      after.prepare.toString(),
      horizon,
      scope.companyId,
      scope.from?.toISOString() ?? null,
      scope.to?.toISOString() ?? null,
      pageSize,
    ]);
    if (page.rows.length === 0) return;
    const events = page.rows.map(toRecorded);
    yield events.map(toExportedEvent);
    if (events.length < pageSize) return;
    after = events[events.length - 1]!.position;
  }
}

/**
 * The export as NDJSON text, one chunk per page, each line one event, then the manifest line
 * (see export-manifest.ts) tallied as the pages pass: one record per stream, whatever the
 * number of events. An export without its last line is therefore always detectably short.
 */
export async function* exportNdjson(pool: Pool, scope: ExportScope): AsyncGenerator<string> {
  const tally = new StreamTally();
  for await (const page of exportEventPages(pool, scope)) {
    for (const event of page) tally.see(event.stream, BigInt(event.revision), event.metadata.hash!, parsePosition(event.position)!);
    yield page.map((event) => `${JSON.stringify(event)}\n`).join('');
  }
  yield `${manifestLine(buildManifest(scope, tally))}\n`;
}
