import type { EventMetadata, RecordedEvent } from './event-log';

/** How readers of event_log.events select a row and turn it into a RecordedEvent. */
export type EventRow = {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  tx_id: string;
  created_at: Date;
};

// Output names differ from the table's columns on purpose: an ORDER BY name resolves to an
// output column first, and ordering by the *text* of a transaction id puts '1230' before '806'.
export const COLUMNS = `e.global_position, e.stream_id, e.stream_revision, e.event_id, e.type, e.data, e.metadata,
  e.transaction_id::text AS tx_id, e.created_at`;

/** Only below this transaction id can no more events appear; readers never look past it. */
export const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';

/**
 * A subscription's read ($1/$2: the position after which, $3: how many): the next events below
 * the horizon, in log order, and `pending`: whether committed events wait above it. Rows are
 * ordered by the log's index, so neither part scans more than the rows it returns: `pending`
 * looks only at the log's last row (if any committed event waits above the horizon, the last
 * one does). An EXISTS over the whole range would read the table from the start.
 */
export const SUBSCRIPTION_READ = `SELECT b.*, p.pending FROM
  (SELECT EXISTS (
     SELECT 1 FROM (SELECT transaction_id, global_position FROM event_log.events
                     ORDER BY transaction_id DESC, global_position DESC LIMIT 1) last
      WHERE (last.transaction_id, last.global_position) > ($1::text::xid8, $2::bigint)
        AND last.transaction_id >= ${HORIZON}) AS pending) p
  LEFT JOIN LATERAL (
    SELECT ${COLUMNS}, e.transaction_id AS xid FROM event_log.events e
     WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint) AND e.transaction_id < ${HORIZON}
     ORDER BY e.transaction_id, e.global_position LIMIT $3) b ON true
 ORDER BY b.xid, b.global_position`;

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: { commit: BigInt(row.tx_id), prepare: BigInt(row.global_position) },
    createdAt: row.created_at.toISOString(),
  };
}
