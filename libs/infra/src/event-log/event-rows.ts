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
