import type { Pool } from 'pg';
import type { RecordedEvent } from '../event-log/event-log';
import { COLUMNS, type EventRow, toRecorded } from '../event-log/event-rows';
import { comparePositions, START, type Position } from '../event-log/position';

/**
 * What an auditor asks of one company's history. Every filter is optional and they combine
 * with AND; `types` matches any of its members.
 */
export type HistoryFilter = Readonly<{
  /** The tenant whose events these are (metadata.tenant.companyId): always required. */
  companyId: string;
  types?: readonly string[];
  /** A user id (metadata.actor.userId) or a service name (metadata.actor.service). */
  actor?: string;
  /** One exact stream name. */
  stream?: string;
  /** A stream category: the part of the stream name before the first "-". */
  category?: string;
  /** Inclusive lower bound on created_at, the time the log recorded the event. */
  from?: Date;
  /** Exclusive upper bound on created_at: adjacent windows never count an event twice. */
  to?: Date;
  /** Only events strictly after this log position. */
  after?: Position;
  limit: number;
}>;

export type HistoryPage = Readonly<{ events: readonly RecordedEvent[]; more: boolean }>;

/** The indexed expression of migrations/008_audit_history_index.sql, written identically so the planner matches it. */
const TENANT = `(e.metadata -> 'tenant' ->> 'companyId')`;

/**
 * One page of a company's history in log order. Keyset pagination on (transaction_id,
 * global_position) and a read horizon below the oldest running transaction: nothing can still
 * appear before a page's last position, so following `after` from page to page visits every
 * event exactly once even while others append. Only the filters given become SQL conditions,
 * so the planner sees a plain range scan on the (tenant, log order) index.
 */
export async function readCompanyHistory(pool: Pool, filter: HistoryFilter): Promise<HistoryPage> {
  const after = filter.after ?? START;
  const params: unknown[] = [filter.companyId, after.commit.toString(), after.prepare.toString()];
  const bind = (value: unknown): string => `$${params.push(value)}`;
  const where = [
    `${TENANT} = $1`,
    `(e.transaction_id, e.global_position) > ($2::text::xid8, $3::bigint)`,
    `e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
  ];
  if (filter.types !== undefined && filter.types.length > 0) where.push(`e.type = ANY(${bind(filter.types)}::text[])`);
  if (filter.actor !== undefined) {
    const actor = bind(filter.actor);
    where.push(`(e.metadata -> 'actor' ->> 'userId' = ${actor} OR e.metadata -> 'actor' ->> 'service' = ${actor})`);
  }
  if (filter.stream !== undefined) where.push(`e.stream_id = ${bind(filter.stream)}`);
  // starts_with rather than LIKE: a category is data, never a pattern.
  if (filter.category !== undefined) where.push(`starts_with(e.stream_id, ${bind(`${filter.category}-`)})`);
  if (filter.from !== undefined) where.push(`e.created_at >= ${bind(filter.from.toISOString())}::timestamptz`);
  if (filter.to !== undefined) where.push(`e.created_at < ${bind(filter.to.toISOString())}::timestamptz`);
  const limit = bind(filter.limit + 1);
  // Output names differ from the columns and ORDER BY is qualified: a bare name would resolve
  // to an output column first, and the text of a transaction id does not sort as a number.
  const { rows } = await pool.query<EventRow>(
    `SELECT ${COLUMNS}
       FROM event_log.events e
      WHERE ${where.join('\n        AND ')}
      ORDER BY e.transaction_id, e.global_position
      LIMIT ${limit}`,
    params,
  );
  // One row more than asked tells whether another page exists without a second query.
  return { events: rows.slice(0, filter.limit).map(toRecorded), more: rows.length > filter.limit };
}

/** A moment in the log: a log position, or a time compared with created_at (as the export and as-of builds do). */
export type LogMoment = Readonly<{ position: Position }> | Readonly<{ time: Date }>;

/**
 * The events of one stream as they stood at `moment`: the longest prefix of the stream (in
 * revision order) whose events all lie at or before it. A prefix, not a filter, so a fold never
 * skips a revision; within a stream created_at grows with the revision (it is taken while the
 * stream row is locked), so for a time the prefix is exactly "recorded at or before".
 */
export function streamPrefixAt(events: readonly RecordedEvent[], moment: LogMoment): readonly RecordedEvent[] {
  const beyond = (event: RecordedEvent): boolean =>
    'time' in moment ? Date.parse(event.createdAt) > moment.time.getTime() : comparePositions(event.position, moment.position) > 0;
  const stop = events.findIndex(beyond);
  return stop < 0 ? events : events.slice(0, stop);
}
