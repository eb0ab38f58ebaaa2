import type { PoolClient } from 'pg';
import { quoteIdent } from './read-tables';

const POLICY_COMMANDS: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

/**
 * Creates empty copies of live read tables in schema `to`: columns, defaults, checks, comments,
 * keys and indexes under their own names, foreign keys between the copies, Row Level Security
 * with the same policies, and the same grants. Read from the catalog, so a table changed by a
 * migration is copied as it is now. Runs in the caller's transaction, as the tables' owner.
 */
export async function cloneReadTables(client: PoolClient, to: string, tables: readonly string[]): Promise<void> {
  const target = quoteIdent(to);
  // Definitions are printed with `public` as the only schema in the path (so names come out
  // unqualified) and executed with the copy's schema first (so they bind to the copies).
  await client.query('SET LOCAL search_path = public');
  const statements: string[] = [`CREATE SCHEMA ${target}`];
  const later: string[] = [];
  const readers = new Set<string>();
  for (const table of tables) {
    const source = `public.${quoteIdent(table)}`;
    const copy = `${target}.${quoteIdent(table)}`;
    statements.push(`CREATE TABLE ${copy} (LIKE ${source} INCLUDING ALL EXCLUDING INDEXES)`);
    const { rows: [info] } = await client.query<{ comment: string | null; rls: boolean; force: boolean }>(
      `SELECT obj_description(c.oid, 'pg_class') AS comment, c.relrowsecurity AS rls, c.relforcerowsecurity AS force
         FROM pg_class c WHERE c.oid = $1::regclass`,
      [source],
    );
    if (info!.comment !== null) statements.push(`COMMENT ON TABLE ${copy} IS ${literal(info!.comment)}`);
    const constraints = await client.query<{ name: string; type: string; def: string }>(
      `SELECT conname AS name, contype AS type, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x', 'f') ORDER BY contype <> 'p', conname`,
      [source],
    );
    for (const c of constraints.rows) {
      const add = `ALTER TABLE ${copy} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.def}`;
      (c.type === 'f' ? later : statements).push(add);
    }
    const indexes = await client.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
        WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [source],
    );
    for (const { def } of indexes.rows) statements.push(def.replace(/ ON (ONLY )?\S+ USING /, ` ON ${copy} USING `));
    if (info!.rls) statements.push(`ALTER TABLE ${copy} ENABLE ROW LEVEL SECURITY`);
    if (info!.force) statements.push(`ALTER TABLE ${copy} FORCE ROW LEVEL SECURITY`);
    const policies = await client.query<{ name: string; cmd: string; permissive: boolean; roles: string[]; qual: string | null; check: string | null }>(
      `SELECT p.polname AS name, p.polcmd AS cmd, p.polpermissive AS permissive,
              ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(r::regrole::text) END FROM unnest(p.polroles) r) AS roles,
              pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS check
         FROM pg_policy p WHERE p.polrelid = $1::regclass ORDER BY p.polname`,
      [source],
    );
    for (const p of policies.rows) {
      later.push(
        `CREATE POLICY ${quoteIdent(p.name)} ON ${copy} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${POLICY_COMMANDS[p.cmd]} TO ${p.roles.join(', ')}` +
          (p.qual !== null ? ` USING (${p.qual})` : '') +
          (p.check !== null ? ` WITH CHECK (${p.check})` : ''),
      );
    }
    const grants = await client.query<{ grantee: string; privilege: string }>(
      `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(a.grantee::regrole::text) END AS grantee, a.privilege_type AS privilege
         FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::regclass AND a.grantee <> c.relowner ORDER BY 1, 2`,
      [source],
    );
    for (const g of grants.rows) later.push(`GRANT ${g.privilege} ON ${copy} TO ${g.grantee}`);
    for (const g of grants.rows) readers.add(g.grantee);
  }
  for (const grantee of readers) later.push(`GRANT USAGE ON SCHEMA ${target} TO ${grantee}`);
  await client.query(`SET LOCAL search_path = ${target}, public`);
  for (const statement of [...statements, ...later]) await client.query(statement);
  await client.query('SET LOCAL search_path = public');
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
