import type { Pool } from 'pg';
import { checkSchemaName, quoteIdent } from './read-tables';
import { cloneReadTables } from './schema-clone';

/** Creates `schema` with empty copies of `tables`, in one transaction: it exists whole or not at all. */
export async function createScratchSchema(owner: Pool, schema: string, tables: readonly string[], replace: boolean): Promise<void> {
  checkSchemaName(schema);
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    if (replace) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await cloneReadTables(client, schema, tables);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function dropScratchSchema(owner: Pool, schema: string): Promise<void> {
  await owner.query(`DROP SCHEMA IF EXISTS ${quoteIdent(checkSchemaName(schema))} CASCADE`);
}

export async function schemaExists(owner: Pool, schema: string): Promise<boolean> {
  const { rows } = await owner.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found', [schema]);
  return rows[0]!.found;
}
