import type { Pool } from 'pg';
import { inTransaction } from '../database/database';
import { checkSchemaName, quoteIdent } from './read-tables';
import { cloneReadTables } from './schema-clone';

/** Creates `schema` with empty copies of `tables`, in one transaction: it exists whole or not at all. */
export async function createScratchSchema(owner: Pool, schema: string, tables: readonly string[], replace: boolean): Promise<void> {
  checkSchemaName(schema);
  await inTransaction(owner, async (client) => {
    if (replace) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await cloneReadTables(client, schema, tables);
  });
}

export async function dropScratchSchema(owner: Pool, schema: string): Promise<void> {
  await owner.query(`DROP SCHEMA IF EXISTS ${quoteIdent(checkSchemaName(schema))} CASCADE`);
}

export async function schemaExists(owner: Pool, schema: string): Promise<boolean> {
  const { rows } = await owner.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found', [schema]);
  return rows[0]!.found;
}
