import type { Pool } from 'pg';
import { createDb } from '../database/database';
import type { EventLog } from '../event-log/event-log';
import { comparePositions, type Position, START } from '../event-log/position';
import { readCheckpoint } from '../projections/checkpoints';
import type { Projection } from '../projections/projection';
import { countEvents, createReplayer, type ReplayProgress } from './replay';
import { type Frozen, withLiveTablesHeld } from './table-swap';
import { tablesOf } from './read-tables';

export type FollowOptions = Readonly<{ onProgress?: (progress: ReplayProgress) => void; pageSize?: number }>;

/** Below this many events behind the live tables, the last stretch is replayed while they are held. */
const CLOSE_ENOUGH = 2_000;
/** Writers faster than the replay must not keep it chasing forever: then the rest is done held. */
const MAX_ROUNDS = 5;

/**
 * Replays the log into the copies in `schema` until they show exactly what the live tables
 * show: first freely, following the live projector's checkpoint while it moves, then with the
 * live tables held still (`mode`) for the last few events, when `work` runs with both sides at
 * the same position.
 */
export async function replayToLive<T>(
  owner: Pool,
  log: EventLog,
  projection: Projection,
  schema: string,
  mode: 'EXCLUSIVE' | 'SHARE',
  work: (frozen: Frozen, events: number) => Promise<T>,
  options: FollowOptions = {},
): Promise<T> {
  // One replayer throughout: it holds every row it wrote, so later stretches never read back.
  const replayer = createReplayer(owner, log, projection, schema, options.pageSize);
  const replay = (after: Position, until: Position, phase: string) => replayer.replay({ after, until: { position: until }, phase, onProgress: options.onProgress });
  let position = START;
  let events = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const live = (await readCheckpoint(createDb(owner), projection.name))?.position ?? START;
    if (comparePositions(position, live) >= 0 || (await countEvents(owner, position, { position: live })) < CLOSE_ENOUGH) break;
    const result = await replay(position, live, round === 0 ? 'replay' : 'catch-up');
    position = result.position;
    events += result.applied;
  }
  return withLiveTablesHeld(owner, projection.name, tablesOf(projection.name), mode, async (frozen) => {
    // Committed to the copies whatever happens next: if this transaction is retried, the
    // replay goes on from here rather than applying these events again.
    const result = await replay(position, frozen.position, 'final');
    position = result.position;
    events += result.applied;
    return work(frozen, events);
  });
}
