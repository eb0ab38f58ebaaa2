import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, escapeLiteral } from 'pg';
import { projectRoot } from '../config/project-root';

export type MigrationReport = Readonly<{ applied: readonly string[]; skipped: number }>;

/** The role the API logs in as: member of `authenticated`, never owner, superuser or BYPASSRLS. */
export const API_LOGIN_ROLE = 'vibot_api';

const MIGRATION_LOCK = 727_001;

export function migrationFiles(dir = join(projectRoot(), 'migrations')): { name: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3,}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex');

/**
 * Applies the ordered .sql files in migrations/ that have not run yet, each in its own
 * transaction, under an advisory lock so that two starting processes never race. A file that
 * changed after it was applied is refused: migrations are never edited, only added.
 */
export async function migrate(ownerUrl: string, options: { apiPassword?: string } = {}): Promise<MigrationReport> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS public.schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM public.schema_migrations')).rows.map(
        (r) => [r.name, r.checksum],
      ),
    );
    const applied: string[] = [];
    for (const file of migrationFiles()) {
      const known = done.get(file.name);
      if (known !== undefined) {
        if (known !== checksum(file.sql)) throw new Error(`migration ${file.name} changed after it was applied`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query('INSERT INTO public.schema_migrations (name, checksum) VALUES ($1, $2)', [
          file.name,
          checksum(file.sql),
        ]);
        await client.query('COMMIT');
        applied.push(file.name);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    if (options.apiPassword) {
      await client.query(`ALTER ROLE ${API_LOGIN_ROLE} WITH LOGIN PASSWORD ${escapeLiteral(options.apiPassword)}`);
    }
    return { applied, skipped: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** The API's connection string: same server and database as the owner's, as the API login. */
export function apiUrlFor(ownerUrl: string, apiPassword: string): string {
  const url = new URL(ownerUrl);
  url.username = API_LOGIN_ROLE;
  url.password = apiPassword;
  return url.toString();
}
