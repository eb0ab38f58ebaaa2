import { sql } from 'kysely';
import type { Db, Trx } from '../database/database';
import { asService } from '../database/database';
import type { Position } from '../event-log/position';

export type Checkpoint = Readonly<{ position: Position; eventsApplied: bigint; status: string; lastError: string | null }>;

export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of projection ${projection} moved under us: another instance is writing`);
    this.name = 'CheckpointMoved';
  }
}

export async function readCheckpoint(db: Db | Trx, name: string): Promise<Checkpoint | undefined> {
  const row = await db.selectFrom('projection_checkpoints').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) return undefined;
  return {
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    eventsApplied: BigInt(row.events_applied),
    status: row.status,
    lastError: row.last_error,
  };
}

/** Creates the checkpoint at the start of the log if missing, and marks the projection running. */
export async function openCheckpoint(db: Db, name: string): Promise<Checkpoint> {
  return asService(db, async (trx) => {
    await trx.insertInto('projection_checkpoints').values({ name }).onConflict((oc) => oc.column('name').doNothing()).execute();
    await trx.updateTable('projection_checkpoints').set({ status: 'running', last_error: null }).where('name', '=', name).execute();
    return (await readCheckpoint(trx, name))!;
  });
}

/** Compare-and-set inside the projection's own transaction: moves only from where we started. */
export async function moveCheckpoint(trx: Trx, name: string, from: Position, to: Position, applied: number): Promise<void> {
  const result = await trx
    .updateTable('projection_checkpoints')
    .set({
      commit_position: to.commit,
      prepare_position: to.prepare,
      events_applied: sql`events_applied + ${applied}`,
      updated_at: sql`now()`,
    })
    .where('name', '=', name)
    .where('commit_position', '=', from.commit.toString())
    .where('prepare_position', '=', from.prepare.toString())
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new CheckpointMoved(name);
}

export async function markHalted(db: Db, name: string, reason: string): Promise<void> {
  await asService(db, (trx) =>
    trx.updateTable('projection_checkpoints').set({ status: 'halted', last_error: reason }).where('name', '=', name).execute(),
  );
}
