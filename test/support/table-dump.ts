import type { Pool } from 'pg';
import { PROJECTION_TABLES } from '#infra/read-models/read-tables';

export const READ_TABLES = PROJECTION_TABLES.company!;

/** Every row of the read tables in `schema`, as JSON, in a stable order: for equality checks. */
export async function dumpTables(owner: Pool, schema = 'public', tables: readonly string[] = READ_TABLES): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await owner.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM "${schema}"."${table}" t ORDER BY to_jsonb(t)::text`);
    dump[table] = rows.map((r) => r.row);
  }
  return dump;
}
