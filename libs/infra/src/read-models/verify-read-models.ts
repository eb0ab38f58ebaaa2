import type { Pool, PoolClient } from 'pg';
import type { EventLog } from '../event-log/event-log';
import { formatPosition } from '../event-log/position';
import type { Projection } from '../projections/projection';
import { type FollowOptions, replayToLive } from './follow-live';
import { quoteIdent, tablesOf } from './read-tables';
import { createScratchSchema, dropScratchSchema } from './scratch-schema';

export type RowDifference = Readonly<{
  table: string;
  key: Record<string, unknown>;
  /** missing: the replay has the row, live does not; unexpected: live has a row the replay does not. */
  kind: 'missing' | 'unexpected' | 'differs';
  columns: readonly string[];
}>;

export type TableComparison = Readonly<{ table: string; liveRows: number; replayRows: number; differences: number }>;

export type VerifyResult = Readonly<{ projection: string; position: string; events: number; tables: readonly TableComparison[]; differences: readonly RowDifference[] }>;

/** Differences listed per table; the count is always exact. */
const LISTED = 1000;

/**
 * Replay-verify: replays the log into a scratch schema, holds the live tables still at the
 * same position (the projector waits, readers do not) and compares every table row by row.
 */
export async function verifyReadModels(owner: Pool, log: EventLog, projection: Projection, options: FollowOptions = {}): Promise<VerifyResult> {
  const tables = tablesOf(projection.name);
  const scratch = `vibot_verify_${projection.name}`;
  await createScratchSchema(owner, scratch, tables, true);
  try {
    return await replayToLive(owner, log, projection, scratch, 'SHARE', async ({ client, position }, events) => {
      const compared: TableComparison[] = [];
      const differences: RowDifference[] = [];
      for (const table of tables) {
        const result = await compareTable(client, scratch, table);
        compared.push(result.summary);
        differences.push(...result.differences);
      }
      return { projection: projection.name, position: formatPosition(position), events, tables: compared, differences };
    }, options);
  } finally {
    await dropScratchSchema(owner, scratch);
  }
}

async function compareTable(client: PoolClient, scratch: string, table: string): Promise<{ summary: TableComparison; differences: RowDifference[] }> {
  const live = `public.${quoteIdent(table)}`;
  const replay = `${quoteIdent(scratch)}.${quoteIdent(table)}`;
  const { rows: keyRows } = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [live],
  );
  const keys = keyRows.map((row) => row.name);
  if (keys.length === 0) throw new Error(`table ${table} has no primary key: rows cannot be matched`);
  const on = keys.map((k) => `l.${quoteIdent(k)} = r.${quoteIdent(k)}`).join(' AND ');
  const first = quoteIdent(keys[0]!);
  const { rows } = await client.query<{ live: Record<string, unknown> | null; replay: Record<string, unknown> | null; total: string }>(
    `SELECT CASE WHEN l.${first} IS NULL THEN NULL ELSE to_jsonb(l) END AS live,
            CASE WHEN r.${first} IS NULL THEN NULL ELSE to_jsonb(r) END AS replay,
            count(*) OVER ()::text AS total
       FROM ${live} l FULL JOIN ${replay} r ON ${on}
      WHERE l.${first} IS NULL OR r.${first} IS NULL OR to_jsonb(l) <> to_jsonb(r)
      ORDER BY coalesce(to_jsonb(l), to_jsonb(r))::text LIMIT ${LISTED}`,
  );
  const { rows: [counts] } = await client.query<{ live: string; replay: string }>(
    `SELECT (SELECT count(*) FROM ${live})::text AS live, (SELECT count(*) FROM ${replay})::text AS replay`,
  );
  const differences = rows.map((row): RowDifference => {
    const either = (row.live ?? row.replay)!;
    const key = Object.fromEntries(keys.map((k) => [k, either[k]]));
    if (row.live === null) return { table, key, kind: 'missing', columns: [] };
    if (row.replay === null) return { table, key, kind: 'unexpected', columns: [] };
    const columns = Object.keys(row.live).filter((c) => JSON.stringify(row.live![c]) !== JSON.stringify(row.replay![c]));
    return { table, key, kind: 'differs', columns };
  });
  return {
    summary: { table, liveRows: Number(counts!.live), replayRows: Number(counts!.replay), differences: Number(rows[0]?.total ?? 0) },
    differences,
  };
}
