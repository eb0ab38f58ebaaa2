import { type Compilable, type InferResult, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { Pool, type PoolClient, type PoolConfig, type QueryResult } from 'pg';
import type { Database } from './schema';
import { inline, literal } from './sql-literal';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/**
 * A pool that survives its server going away: an idle client's error (a restart, or the
 * embedded PostgreSQL stopping while pool.end() still closes sockets) must not crash the
 * process; the next query reconnects or fails on its own. Add a listener to log them.
 */
export function createPool(connectionString: string, options: PoolConfig = {}): Pool {
  const pool = new Pool({ connectionString, max: 10, ...options });
  pool.on('error', () => undefined);
  // pg-pool drops its own listener while a client is checked out; a server shutting down between
  // two statements of a transaction must fail that transaction, not kill the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export function createDb(pool: Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The verified claims a query runs under (Supabase-style). */
export type Claims = Readonly<{ sub?: string; company_id?: string; role: 'authenticated' | 'anon' } & Record<string, unknown>>;

/**
 * Runs `work` in a transaction as `authenticated` (or `anon`) with the caller's claims, so Row
 * Level Security decides what it sees. SET LOCAL and set_config(..., true) end with the
 * transaction: nothing leaks to the next user of the pooled connection.
 */
export async function asUser<T>(db: Db, claims: Claims, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const role = claims.role === 'authenticated' ? 'authenticated' : 'anon';
    await sql`SELECT set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`.execute(trx);
    return work(trx);
  });
}

/**
 * One query as `authenticated` (or `anon`) under the caller's claims, in one round trip: the
 * role and claims are set and the query runs as one simple query, which PostgreSQL executes as
 * one implicit transaction, so the settings end with it, exactly as asUser's SET LOCAL do.
 */
export async function readAsUser<Q extends Compilable<unknown>>(pool: Pool, claims: Claims, query: Q): Promise<InferResult<Q>> {
  const role = claims.role === 'authenticated' ? 'authenticated' : 'anon';
  const compiled = query.compile();
  const text =
    `SELECT set_config('role', ${literal(role)}, true), set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true);\n` +
    inline(compiled.sql, compiled.parameters);
  const results = (await pool.query(text)) as unknown as QueryResult[];
  return results[1]!.rows as InferResult<Q>;
}

/** Runs `work` in a transaction as service_role: for the projector and admin jobs only. */
export async function asService<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE service_role`.execute(trx);
    return work(trx);
  });
}

/** One transaction on one pooled connection of plain `pg` (DDL, scripts): committed whole or not at all. */
export async function inTransaction<T>(owner: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
