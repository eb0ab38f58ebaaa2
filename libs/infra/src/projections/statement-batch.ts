import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import { escapeLiteral } from 'pg';
import type { Database } from '../database/schema';
import type { Trx } from '../database/database';

/**
 * Statement batching, as Marten batches a projection's writes: handlers run against a Kysely
 * transaction that records each statement (parameters inlined as literals) instead of sending
 * it, and the whole batch then goes to PostgreSQL in one round trip. Sound because projection
 * handlers only write: they never read the result of their own statements.
 */
export async function recordStatements(write: (trx: Trx) => Promise<void>): Promise<string[]> {
  const recorded: string[] = [];
  const connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      recorded.push(inlineParameters(query.sql, query.parameters));
      return { rows: [] };
    },
    streamQuery: () => {
      throw new Error('projection handlers cannot stream');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => undefined,
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  await db.transaction().execute(write);
  return recorded;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return `'${value.toString()}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'`;
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'string') return escapeLiteral(value);
  return escapeLiteral(JSON.stringify(value));
}

/** `$n` placeholders become literals; an unknown literal is typed from its context, as `$n` was. */
function inlineParameters(text: string, parameters: readonly unknown[]): string {
  if (parameters.length === 0) return text;
  return text.replace(/\$(\d+)/g, (_match, index: string) => literal(parameters[Number(index) - 1]));
}
