import { CompiledQuery } from 'kysely';
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

/** The statement that moves a checkpoint by compare-and-set (failing with VB409 if it moved) and notifies waiters. */
export function checkpointMove(name: string, from: Position, to: Position, applied: number): [string, unknown[]] {
  return [
    'SELECT public.move_projection_checkpoint($1, $2, $3, $4, $5, $6)',
    [name, from.commit.toString(), from.prepare.toString(), to.commit.toString(), to.prepare.toString(), applied],
  ];
}

/** Compare-and-set inside the projection's own transaction: moves only from where we started. */
export async function moveCheckpoint(trx: Trx, name: string, from: Position, to: Position, applied: number): Promise<void> {
  const [text, params] = checkpointMove(name, from, to, applied);
  try {
    await trx.executeQuery(CompiledQuery.raw(text, params));
  } catch (error) {
    throw asCheckpointMoved(error, name);
  }
}

/** A failed move (SQLSTATE VB409) as CheckpointMoved; anything else as it is. */
export function asCheckpointMoved(error: unknown, name: string): unknown {
  return (error as { code?: string }).code === 'VB409' ? new CheckpointMoved(name) : error;
}

export async function markHalted(db: Db, name: string, reason: string): Promise<void> {
  await asService(db, (trx) =>
    trx.updateTable('projection_checkpoints').set({ status: 'halted', last_error: reason }).where('name', '=', name).execute(),
  );
}
