import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { literal } from '#infra/database/sql-literal';
import type { BenchDatabase } from './bench-database';

export type ReadFigures = Readonly<{ companies: number; rolesPerCompany: number; ownerMs: number; authenticatedMs: number; ratio: number; queries: number }>;

// The page GET /v1/roles reads (roles-queries.ts), written out: the roles of one company with
// their revisions, in code order, 50 at a time.
const PAGE = `SELECT r.id, r.company_id, r.code, r.name, r.description, r.scope, r.created_at, r.updated_at, er.revision
  FROM roles AS r LEFT JOIN entity_revisions AS er ON er.entity_id = r.id AND er.entity_type = 'role'`;
const ORDER = 'ORDER BY r.code, r.id LIMIT 50';

/**
 * What Row Level Security costs a read, round trips included: a page of 50 roles as
 * `authenticated` under a user's claims (RLS picks the company), against the same page read by
 * the owner, who names the company itself. Both as the API sends its reads: one simple query.
 */
export async function measureRlsRead(database: BenchDatabase, companies: number, rolesPerCompany: number, queries: number): Promise<ReadFigures> {
  const owner = new Client({ connectionString: database.ownerUrl });
  const api = new Client({ connectionString: database.apiUrl });
  await owner.connect();
  await api.connect();
  try {
    const ids = Array.from({ length: companies }, () => ({ companyId: randomUUID(), userId: randomUUID() }));
    await owner.query(`INSERT INTO companies (id, name) SELECT (c->>'companyId')::uuid, 'Bench ' || n FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(c, n)`, [JSON.stringify(ids)]);
    await owner.query(`INSERT INTO users (id, company_id, email) SELECT (c->>'userId')::uuid, (c->>'companyId')::uuid, 'u' || n || '@bench.test' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(c, n)`, [JSON.stringify(ids)]);
    await owner.query(
      `INSERT INTO roles (id, company_id, code, name) SELECT gen_random_uuid(), c.id, 'role.' || lpad(g::text, 5, '0'), 'Role ' || g FROM companies c, generate_series(1, $1) g`,
      [rolesPerCompany],
    );
    await owner.query(`INSERT INTO entity_revisions (entity_type, entity_id, company_id, revision, stream_revision) SELECT 'role', id, company_id, 1, 0 FROM roles`);
    await owner.query('ANALYZE companies, users, roles, entity_revisions');

    // The owner names the company on both tables, as the two policies do under RLS: the same
    // rows, the same plan, minus the policies.
    const asOwner = (c: (typeof ids)[number]) =>
      `${PAGE} AND er.company_id = ${literal(c.companyId)} WHERE r.company_id = ${literal(c.companyId)} ${ORDER}`;
    const asUser = (c: (typeof ids)[number]) =>
      `SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${literal(JSON.stringify({ sub: c.userId, company_id: c.companyId, role: 'authenticated' }))}, true);\n${PAGE} ${ORDER}`;
    const time = async (client: Client, text: string): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await client.query(text);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    // Warm both paths, then interleave them so any drift of the machine falls on both alike.
    for (let i = 0; i < 50; i++) {
      await time(owner, asOwner(ids[i % companies]!));
      await time(api, asUser(ids[i % companies]!));
    }
    let ownerMs = 0;
    let userMs = 0;
    for (let i = 0; i < queries; i++) {
      const company = ids[Math.floor(Math.random() * companies)]!;
      ownerMs += await time(owner, asOwner(company));
      userMs += await time(api, asUser(company));
    }
    return { companies, rolesPerCompany, ownerMs: ownerMs / queries, authenticatedMs: userMs / queries, ratio: userMs / ownerMs, queries };
  } finally {
    await owner.end();
    await api.end();
  }
}
