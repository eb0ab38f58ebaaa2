import { Client } from 'pg';
import type { TestDatabase } from '../support/test-database';

export async function countEvents(db: TestDatabase): Promise<number> {
  const { rows } = await db.owner.query<{ n: string }>('SELECT count(*) AS n FROM event_log.events');
  return Number(rows[0]!.n);
}

/** has_role(code) in SQL as the API's login under a user's claims, exactly as RLS evaluates it. */
export async function hasRoleInSql(db: TestDatabase, userId: string, companyId: string, code: string): Promise<boolean> {
  const client = new Client({ connectionString: db.apiUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const claims = JSON.stringify({ sub: userId, company_id: companyId, role: 'authenticated' });
    await client.query("SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [claims]);
    const { rows } = await client.query<{ held: boolean }>('SELECT has_role($1) AS held', [code]);
    await client.query('ROLLBACK');
    return rows[0]!.held;
  } finally {
    await client.end();
  }
}
