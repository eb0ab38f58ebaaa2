import type { Pool } from 'pg';
import type { EventLog } from '#infra/event-log/event-log';
import { START } from '#infra/event-log/position';
import { ALL_PROJECTIONS } from '#infra/projections/projector';
import { PROJECTION_TABLES, quoteIdent } from '#infra/read-models/read-tables';
import { replayInto } from '#infra/read-models/replay';
import { createScratchSchema, dropScratchSchema } from '#infra/read-models/scratch-schema';

export type RebuildFigures = Readonly<{ events: number; rows: number; replaySeconds: number; eventsPerSec: number; rawRowsPerSec: number }>;

const TABLES = PROJECTION_TABLES.company!;

/**
 * The rebuild's work (replaying the whole log into new copies of the read tables; the swap
 * after it takes milliseconds), next to the baseline: the same rows written into fresh copies
 * of the same tables by raw 1,000-row INSERTs.
 */
export async function measureRebuild(owner: Pool, log: EventLog): Promise<RebuildFigures> {
  await dropScratchSchema(owner, 'bench_rebuild');
  await createScratchSchema(owner, 'bench_rebuild', TABLES, true);
  await owner.query('CHECKPOINT').catch(() => undefined);
  const started = process.hrtime.bigint();
  const replay = await replayInto({ owner, log, projection: ALL_PROJECTIONS[0]!, schema: 'bench_rebuild', after: START });
  const replaySeconds = Number(process.hrtime.bigint() - started) / 1e9;

  await createScratchSchema(owner, 'bench_raw_rows', TABLES, true);
  await owner.query('CHECKPOINT').catch(() => undefined);
  let rows = 0;
  let insertNs = 0n;
  for (const table of TABLES) {
    const { rows: all } = await owner.query<Record<string, unknown>>(`SELECT * FROM bench_rebuild.${quoteIdent(table)}`);
    if (all.length === 0) continue;
    const columns = Object.keys(all[0]!);
    const perStatement = Math.max(1, Math.floor(1000 / Math.max(1, columns.length / 8)));
    for (let at = 0; at < all.length; at += perStatement) {
      const chunk = all.slice(at, at + perStatement);
      const values: unknown[] = [];
      const tuples = chunk.map((row) => `(${columns.map((c) => `$${values.push(jsonable(row[c]))}`).join(', ')})`);
      const text = `INSERT INTO bench_raw_rows.${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`;
      const t0 = process.hrtime.bigint();
      await owner.query(text, values);
      insertNs += process.hrtime.bigint() - t0;
    }
    rows += all.length;
  }
  await dropScratchSchema(owner, 'bench_rebuild');
  await dropScratchSchema(owner, 'bench_raw_rows');
  return { events: replay.applied, rows, replaySeconds, eventsPerSec: replay.applied / replaySeconds, rawRowsPerSec: rows / (Number(insertNs) / 1e9) };
}

/** jsonb columns come back parsed; they go back as JSON text. */
const jsonable = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value) ? JSON.stringify(value) : value;
