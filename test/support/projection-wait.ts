import type { Pool } from 'pg';
import { createDb } from '#infra/database/database';
import type { EventLog } from '#infra/event-log/event-log';
import { comparePositions, START, type Position } from '#infra/event-log/position';
import { readCheckpoint, type Checkpoint } from '#infra/projections/checkpoints';

/** The last event written, even if a reader may not see it yet (a test's target, not a reader's). */
async function lastWritten(owner: Pool): Promise<Position> {
  const { rows } = await owner.query<{ tx: string; gp: string }>(
    'SELECT transaction_id::text AS tx, global_position AS gp FROM event_log.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
  );
  return rows[0] ? { commit: BigInt(rows[0].tx), prepare: BigInt(rows[0].gp) } : START;
}

/** Waits until the projection's checkpoint has passed every event written so far. */
export async function waitForProjection(owner: Pool, _log?: EventLog, name = 'company', timeoutMs = 30_000): Promise<Checkpoint> {
  const db = createDb(owner);
  const target = await lastWritten(owner);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = await readCheckpoint(db, name);
    if (checkpoint && comparePositions(checkpoint.position, target) >= 0) return checkpoint;
    if (Date.now() > deadline) {
      // Readers stop below the oldest open transaction in the cluster: say which ones are open.
      const open = await owner.query(
        `SELECT datname, usename, state, now() - xact_start AS open_for, backend_xid::text, backend_xmin::text, left(query, 120) AS query
           FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() ORDER BY xact_start`,
      );
      throw new Error(
        `projection ${name} did not reach the last event in ${timeoutMs} ms; checkpoint ${JSON.stringify(checkpoint, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}, ` +
          `target ${target.commit}/${target.prepare}; open transactions:\n${JSON.stringify(open.rows, null, 1)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
