import type { Pool } from 'pg';
import type { EventLog } from '../event-log/event-log';
import { formatPosition, START } from '../event-log/position';
import { ALL_PROJECTIONS } from '../projections/projector';
import { checkReportSchemaName, PROJECTION_TABLES, quoteIdent } from './read-tables';
import { type ReplayBound, type ReplayProgress, replayInto } from './replay';
import { createScratchSchema, dropScratchSchema, schemaExists } from './scratch-schema';

export type AsOfResult = Readonly<{ schema: string; position: string; events: number; tables: readonly string[] }>;

/** Marks a schema as an as-of build, so `--replace` only ever drops one of ours. */
const MARKER = 'vibot_as_of';

/**
 * Builds every read table as it was at a past moment (a log position, or the last event recorded
 * at or before a time) into `schema`, with the live tables' policies and grants. The live tables
 * are never touched; a failed build leaves no schema behind.
 */
export async function buildAsOf(
  owner: Pool,
  log: EventLog,
  options: { schema: string; at: ReplayBound; replace?: boolean; onProgress?: (progress: ReplayProgress) => void },
): Promise<AsOfResult> {
  const schema = checkReportSchemaName(options.schema);
  if (await schemaExists(owner, schema)) {
    const ours = await owner.query('SELECT 1 FROM pg_class WHERE relname = $1 AND relnamespace = $2::regnamespace', [MARKER, schema]);
    if (!options.replace || ours.rowCount === 0) {
      throw new Error(`schema ${schema} already exists${ours.rowCount === 0 ? ' and is not an as-of build' : ': pass --replace to rebuild it'}`);
    }
  }
  const tables = ALL_PROJECTIONS.flatMap((projection) => PROJECTION_TABLES[projection.name] ?? []);
  await createScratchSchema(owner, schema, tables, options.replace === true);
  try {
    let events = 0;
    let last = START;
    for (const projection of ALL_PROJECTIONS) {
      const result = await replayInto({ owner, log, projection, schema, after: START, until: options.at, phase: 'as-of', onProgress: options.onProgress });
      events += result.applied;
      if (result.applied > 0) last = result.position;
    }
    const target = quoteIdent(schema);
    await owner.query(`CREATE TABLE ${target}.${MARKER} (at text NOT NULL, position text NOT NULL, events bigint NOT NULL, built_at timestamptz NOT NULL DEFAULT now())`);
    await owner.query(`COMMENT ON TABLE ${target}.${MARKER} IS 'The moment these read tables show: the last log position replayed into them.'`);
    const at = options.at.time?.toISOString() ?? (options.at.position ? formatPosition(options.at.position) : 'now');
    await owner.query(`INSERT INTO ${target}.${MARKER} (at, position, events) VALUES ($1, $2, $3)`, [at, formatPosition(last), events]);
    return { schema, position: formatPosition(last), events, tables };
  } catch (error) {
    await dropScratchSchema(owner, schema);
    throw error;
  }
}
