import type { Pool, PoolClient } from 'pg';
import {
  DuplicateEventIds,
  WrongExpectedVersion,
  type AppendResult,
  type EventLog,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-log';
import { COLUMNS, type EventRow, HORIZON, SUBSCRIPTION_READ, toRecorded } from './event-rows';
import { START, type Position } from './position';
import { wakeOnNotify } from './wake-on-notify';


export type PostgresEventLogOptions = Readonly<{ pollIntervalMs?: number; channel?: string }>;

/** The default event log: one PostgreSQL table, appends through event_log.append(). */
export class PostgresEventLog implements EventLog {
  private readonly pollIntervalMs: number;
  private notifying: Promise<void> | undefined;
  private notifyAgain = false;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventLogOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  async append(stream: string, events: readonly EventToAppend[], options: { expected: ExpectedRevision }): Promise<AppendResult> {
    const payload = events.map((e) => ({ eventId: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }));
    try {
      const { rows } = await this.pool.query<{ next_revision: string; commit_position: string; prepare_position: string; last_hash: string }>(
        'SELECT next_revision, commit_position::text AS commit_position, prepare_position, last_hash FROM event_log.append($1, $2, $3)',
        [stream, String(options.expected), JSON.stringify(payload)],
      );
      const row = rows[0]!;
      this.wakeSubscribers();
      return {
        nextRevision: BigInt(row.next_revision),
        position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
        lastHash: row.last_hash,
      };
    } catch (error) {
      const pgError = error as { code?: string; detail?: string };
      if (pgError.code === 'VB409') {
        const actual = pgError.detail === 'no_stream' ? 'no_stream' : BigInt(pgError.detail ?? '-1');
        throw new WrongExpectedVersion(stream, options.expected, actual);
      }
      // VB422: found before appending; 23505 on the event id: an id used elsewhere, which the
      // append does not look for when the expected revision holds (the unique index catches it).
      if (pgError.code === 'VB422' || (pgError.code === '23505' && (error as { constraint?: string }).constraint === 'events_event_id_key')) {
        throw new DuplicateEventIds(stream);
      }
      throw error;
    }
  }

  /**
   * NOTIFY after the append committed, not inside it (inside, it would serialise every commit
   * on the notify queue lock). Coalesced: at most one in flight, one more if appends came
   * meanwhile. A lost notification only costs a subscriber its poll interval.
   */
  private wakeSubscribers(): void {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.pool
      .query(`SELECT pg_notify('event_log', '')`)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.notifying = undefined;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.wakeSubscribers();
        }
      });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? BigInt(Number.MAX_SAFE_INTEGER) : 0n);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_log.events e
        WHERE e.stream_id = $1 AND e.stream_revision ${backwards ? '<=' : '>='} $2
        ORDER BY e.stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [stream, from.toString(), options.limit ?? null],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_log.events e
        WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
          AND e.transaction_id < ${HORIZON}
        ORDER BY e.transaction_id, e.global_position LIMIT $3`,
      [after.commit.toString(), after.prepare.toString(), options.limit ?? 1000],
    );
    return rows.map(toRecorded);
  }

  private async restOfTransaction(last: Position): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_log.events e
        WHERE e.transaction_id = $1::text::xid8 AND e.global_position > $2::bigint
        ORDER BY e.global_position`,
      [last.commit.toString(), last.prepare.toString()],
    );
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<Position> {
    const { rows } = await this.pool.query<{ tx_id: string; global_position: string }>(
      `SELECT e.transaction_id::text AS tx_id, e.global_position FROM event_log.events e
        WHERE e.transaction_id < ${HORIZON}
        ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    );
    const row = rows[0];
    return row ? { commit: BigInt(row.tx_id), prepare: BigInt(row.global_position) } : START;
  }

  /**
   * The subscription's read: the next events below the horizon and, in the same snapshot,
   * whether committed events after `after` wait above it. They wait behind a transaction still
   * open (a gap; often the reader's own write, e.g. the projector's batch), or one that closed
   * since (a rollback sends no NOTIFY). Either way the subscriber looks again soon instead of
   * sleeping. One round trip per wake-up instead of two.
   */
  private async readBatch(after: Position, limit: number): Promise<{ events: RecordedEvent[]; pending: boolean }> {
    const { rows } = await this.pool.query<EventRow & { pending: boolean; xid: string | null }>(SUBSCRIPTION_READ, [
      after.commit.toString(),
      after.prepare.toString(),
      limit,
    ]);
    const pending = rows[0]?.pending ?? false;
    return { events: rows.filter((row) => row.xid !== null).map(toRecorded), pending };
  }

  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let position = options.after ?? START;
    const batchSize = options.batchSize ?? 500;
    const listener: PoolClient = await this.pool.connect();
    // Held for the whole subscription: a dropped connection surfaces as the next query's error.
    const ignore = (): void => undefined;
    listener.on('error', ignore);
    const wake = await wakeOnNotify(listener, 'event_log', options.signal);
    // While committed events wait behind a transaction still open, look again soon: 1 ms,
    // then longer, up to 20 ms.
    let behind = 0;
    try {
      while (!options.signal?.aborted) {
        wake.reset();
        const { events: batch, pending } = await this.readBatch(position, batchSize);
        // Never end a batch inside a transaction: one append's events arrive together.
        // A full batch: more may follow below the horizon, so read on without waiting.
        const full = batch.length === batchSize;
        if (full) batch.push(...(await this.restOfTransaction(batch[batch.length - 1]!.position)));
        for (const event of batch) {
          yield event;
          position = event.position;
          if (options.signal?.aborted) return;
        }
        if (batch.length > 0) behind = 0;
        if (full) continue;
        behind = pending ? Math.min(behind === 0 ? 1 : behind * 2, 20) : 0;
        await wake.wait(pending ? behind : this.pollIntervalMs);
      }
    } finally {
      await wake.stop();
      listener.off('error', ignore);
      listener.release();
    }
  }

  /** Waits for a pending wake-up; the pool itself belongs to the caller. */
  async close(): Promise<void> {
    while (this.notifying) await this.notifying;
  }
}
