import type { Pool } from 'pg';
import type { EventLog } from '../event-log/event-log';
import { formatPosition } from '../event-log/position';
import type { Projection } from '../projections/projection';
import { type FollowOptions, replayToLive } from './follow-live';
import { tablesOf } from './read-tables';
import { createScratchSchema, dropScratchSchema } from './scratch-schema';
import { swapIn } from './table-swap';

export type RebuildResult = Readonly<{ projection: string; tables: readonly string[]; events: number; position: string; seconds: number }>;

const REBUILD_LOCK = 727_003;

/**
 * Zero-downtime rebuild: replays the whole log into new tables beside the live ones, follows
 * the live projector until close, then holds the live tables, replays the last few events and
 * swaps the new tables in, all in one transaction. Readers never see an empty or partial table;
 * the live projector pauses for the swap only and goes on from its unchanged checkpoint.
 */
export async function rebuildProjection(owner: Pool, log: EventLog, projection: Projection, options: FollowOptions = {}): Promise<RebuildResult> {
  const started = Date.now();
  const tables = tablesOf(projection.name);
  const scratch = `vibot_rebuild_${projection.name}`;
  const lock = await owner.connect();
  try {
    const { rows } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [REBUILD_LOCK, projection.name]);
    if (!rows[0]!.ok) throw new Error(`another rebuild of ${projection.name} is running`);
    // A schema of this name can only be left over from an interrupted rebuild (we hold the lock).
    await createScratchSchema(owner, scratch, tables, true);
    try {
      const done = await replayToLive(owner, log, projection, scratch, 'EXCLUSIVE', async ({ client, position }, events) => {
        await swapIn(client, scratch, tables);
        return { events, position };
      }, options);
      return { projection: projection.name, tables, events: done.events, position: formatPosition(done.position), seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      await dropScratchSchema(owner, scratch).catch(() => undefined);
      throw error;
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [REBUILD_LOCK, projection.name]).catch(() => undefined);
    lock.release();
  }
}
