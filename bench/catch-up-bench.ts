import type { Pool } from 'pg';
import { createDb } from '#infra/database/database';
import type { EventLog } from '#infra/event-log/event-log';
import { comparePositions } from '#infra/event-log/position';
import { readCheckpoint } from '#infra/projections/checkpoints';
import { startProjector } from '#infra/projections/projector';
import { PROJECTION_TABLES, quoteIdent } from '#infra/read-models/read-tables';

export type CatchUpFigures = Readonly<{ events: number; seconds: number; eventsPerSec: number }>;

/**
 * The live projector catching up from an empty checkpoint (as after an outage): batches of
 * 500 events, each loading the rows it touches and writing them back with the checkpoint.
 */
export async function measureCatchUp(owner: Pool, log: EventLog): Promise<CatchUpFigures> {
  const head = await log.headPosition();
  const { rows } = await owner.query<{ n: string }>('SELECT count(*)::text AS n FROM event_log.events');
  const db = createDb(owner);
  // From nothing, as after an outage: empty read tables and no checkpoints.
  const tables = Object.values(PROJECTION_TABLES).flat().map((t) => `public.${quoteIdent(t)}`);
  await owner.query(`TRUNCATE ${tables.join(', ')}; DELETE FROM public.projection_checkpoints`);
  await owner.query('CHECKPOINT').catch(() => undefined);
  const started = process.hrtime.bigint();
  const projector = startProjector({ ownerPool: owner, log });
  try {
    for (;;) {
      const checkpoint = await readCheckpoint(db, 'company');
      if (checkpoint && comparePositions(checkpoint.position, head) >= 0) break;
      if (checkpoint?.status === 'halted') throw new Error(`projection halted: ${checkpoint.lastError}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await projector.stop();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const events = Number(rows[0]!.n);
  return { events, seconds, eventsPerSec: events / seconds };
}
