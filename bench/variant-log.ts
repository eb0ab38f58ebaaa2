import type { Pool } from 'pg';
import type { AppendResult, EventLog, EventToAppend, ExpectedRevision } from '../libs/infra/src/event-log/event-log';

/**
 * Coalesces wake-ups: at most one pg_notify in flight, one more queued, however many appends
 * ask. Sent in its own transaction, which writes no WAL, so it holds the notify lock briefly.
 */
export class CoalescedNotifier {
  private inFlight: Promise<void> | undefined;
  private again = false;

  constructor(private readonly pool: Pool) {}

  poke(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.pool
      .query("SELECT pg_notify('event_log', '')")
      .then(() => undefined, () => undefined)
      .finally(() => {
        this.inFlight = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }
}

/** Calls one variant of the append function the way PostgresEventLog calls the shipped one. */
export class VariantLog implements Pick<EventLog, 'append'> {
  constructor(
    private readonly pool: Pool,
    private readonly fn: string,
    private readonly notifier?: CoalescedNotifier,
  ) {}

  async append(stream: string, events: readonly EventToAppend[], options: { expected: ExpectedRevision }): Promise<AppendResult> {
    const payload = events.map((e) => ({ eventId: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }));
    const { rows } = await this.pool.query<{ next_revision: string; commit_position: string; prepare_position: string }>(
      `SELECT next_revision, commit_position::text AS commit_position, prepare_position FROM ${this.fn}($1, $2, $3)`,
      [stream, String(options.expected), JSON.stringify(payload)],
    );
    const row = rows[0]!;
    this.notifier?.poke();
    return {
      nextRevision: BigInt(row.next_revision),
      position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    };
  }
}
