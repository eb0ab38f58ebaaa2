import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../database/database';
import { type Position, START } from '../event-log/position';
import { quoteIdent } from './read-tables';

const RETRYABLE = new Set(['40P01', '55P03']); // deadlock detected, lock not available

export type Frozen = Readonly<{ client: PoolClient; position: Position }>;

/**
 * Runs `work` in a transaction that holds the live tables still: the projector's next write
 * waits (readers do not), and the checkpoint read inside is the position the live tables show.
 * `mode` is EXCLUSIVE (readers go on) or SHARE. A deadlock with the projector's own transaction
 * (it locks tables in event order) or a lock timeout rolls back and tries again.
 */
export async function withLiveTablesHeld<T>(
  owner: Pool,
  projection: string,
  tables: readonly string[],
  mode: 'EXCLUSIVE' | 'SHARE',
  work: (frozen: Frozen) => Promise<T>,
  attempts = 20,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(owner, async (client) => {
        await client.query("SET LOCAL lock_timeout = '5s'");
        const list = [...tables, 'projection_checkpoints'].map((t) => `public.${quoteIdent(t)}`).join(', ');
        await client.query(`LOCK TABLE ${list} IN ${mode} MODE`);
        const { rows } = await client.query<{ c: string; p: string }>(
          'SELECT commit_position::text AS c, prepare_position::text AS p FROM public.projection_checkpoints WHERE name = $1',
          [projection],
        );
        const position = rows[0] ? { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } : START;
        return work({ client, position });
      });
    } catch (error) {
      if (!RETRYABLE.has((error as { code?: string }).code ?? '') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
    }
  }
}

/**
 * Inside the held transaction: the rebuilt copies take the live tables' place. Readers wait only
 * for these few catalog changes; their queries then find the new tables by name. The old ones
 * are dropped without CASCADE, so an object someone built on them (a view) stops the swap
 * instead of vanishing.
 */
export async function swapIn(client: PoolClient, from: string, tables: readonly string[]): Promise<void> {
  const retired = quoteIdent(`${from}_retired`);
  const list = tables.map((t) => `public.${quoteIdent(t)}`).join(', ');
  // Readers queue behind this lock request while it waits (for a long report, say): give up
  // soon and try again later rather than stall every reader.
  await client.query("SET LOCAL lock_timeout = '500ms'");
  await client.query(`LOCK TABLE ${list} IN ACCESS EXCLUSIVE MODE`);
  await client.query(`CREATE SCHEMA ${retired}`);
  for (const table of tables) await client.query(`ALTER TABLE public.${quoteIdent(table)} SET SCHEMA ${retired}`);
  for (const table of tables) await client.query(`ALTER TABLE ${quoteIdent(from)}.${quoteIdent(table)} SET SCHEMA public`);
  for (const table of [...tables].reverse()) await client.query(`DROP TABLE ${retired}.${quoteIdent(table)}`);
  await client.query(`DROP SCHEMA ${retired}`);
  await client.query(`DROP SCHEMA ${quoteIdent(from)}`);
}
