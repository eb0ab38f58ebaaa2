import { randomUUID } from 'node:crypto';
import { Client, type ClientBase } from 'pg';
import { type ApiWorld, call, type Company, CONNECTORS, mysqlConnector, startWorld } from './api-kit';

// A valid token names a company; it opens that company only while its subject is a user of it.
// Strangers (a sub that is nobody) and other companies' users (a forged company_id) are refused
// on every route the OpenAPI document lists, and read nothing in SQL under RLS.
let world: ApiWorld;
let acme: Company;
let globex: Company;
let stranger: string;
let foreigner: string;
let connectorId: string;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  globex = await world.registerCompany('Globex');
  stranger = await world.token(randomUUID(), acme.companyId);
  foreigner = await world.token(globex.adminUserId, acme.companyId);
  const connector = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
  connectorId = connector.body.id;
  await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'visible', name: 'Visible' } });
  await world.settled();
});
afterAll(async () => {
  await world?.close();
});

type Route = Readonly<{ method: string; path: string }>;

/** Every operation the API documents that takes a bearer token, with its path filled in. */
async function documentedRoutes(): Promise<Route[]> {
  const document = (await call(world.app, 'GET', '/docs-json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  const fill: Record<string, string> = { version: '1', stream: `company-${acme.companyId}`, streamCategory: 'company' };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => (operation.security ?? []).length > 0)
      .map(([method, _operation]) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{(\w+)\}/g, (_, name: string) => fill[name] ?? (name === 'id' ? connectorId : acme.companyId)),
      })),
  );
}

describe('membership: a token of a non-member is refused on every route', () => {
  it.each([
    ['a stranger (a sub that is no user at all)', () => stranger],
    ["another company's user claiming this company", () => foreigner],
  ])('%s: 403 on every documented route, reads included', async (_label, token) => {
    const routes = await documentedRoutes();
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.filter((r) => r.method === 'GET').length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const route of routes) {
      const answer = await call(world.app, route.method, route.path, { token: token(), ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }) });
      if (answer.status !== 403) wrong.push(`${route.method} ${route.path}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the control: the same routes with a member of the company are never refused as non-members', async () => {
    for (const route of await documentedRoutes()) {
      const answer = await world.app.inject({
        method: route.method as 'GET',
        url: route.path,
        headers: { authorization: `Bearer ${acme.adminToken}` },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      const problem = String(answer.headers['content-type']).includes('problem+json') ? (JSON.parse(answer.body) as { code: string }) : undefined;
      expect([route.method, route.path, problem?.code]).not.toEqual([route.method, route.path, 'not_a_member']);
    }
    const read = await call(world.app, 'GET', '/v1/roles', { token: acme.adminToken });
    expect(read.status).toBe(200);
  });

  it('names the reason: not_a_member, as problem+json', async () => {
    const answer = await call(world.app, 'GET', '/v1/users', { token: foreigner });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body.code).toBe('not_a_member');
  });
});

const PUBLIC_TABLES = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity ORDER BY 1`;

async function visibleRows(client: ClientBase, claims: Record<string, string>, tables: readonly string[]): Promise<Record<string, number>> {
  await client.query(`SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ role: 'authenticated', ...claims }),
  ]);
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${table}`)).rows[0]!.n;
  await client.query(`SELECT set_config('request.jwt.claims', '', true)`);
  return counts;
}

describe('membership in SQL: current_company_id() names a company only to its users', () => {
  it('as the API login under RLS, non-members read nothing from any table; members do', async () => {
    const api = new Client({ connectionString: world.db.apiUrl });
    await api.connect();
    try {
      await api.query('BEGIN');
      const tables = (await api.query<{ relname: string }>(PUBLIC_TABLES)).rows.map((r) => r.relname);
      expect(tables.length).toBeGreaterThanOrEqual(9);
      for (const sub of [randomUUID(), globex.adminUserId]) {
        const seen = await visibleRows(api, { sub, company_id: acme.companyId }, tables);
        expect(Object.entries(seen).filter(([, n]) => n > 0)).toEqual([]);
        const { rows } = await api.query(
          `SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
          [JSON.stringify({ role: 'authenticated', sub, company_id: acme.companyId })],
        );
        expect(rows).toHaveLength(1);
        expect((await api.query(`SELECT current_company_id() AS c, has_role('Vibot.admin') AS admin`)).rows[0]).toEqual({ c: null, admin: false });
      }
      const member = await visibleRows(api, { sub: acme.adminUserId, company_id: acme.companyId }, tables);
      expect(member).toMatchObject({ companies: 1, roles: 3, users: 1 });
    } finally {
      await api.query('ROLLBACK');
      await api.end();
    }
  });

  it('the control: with the claim alone deciding the company (the old rule), a forged claim reads the company', async () => {
    const owner = await world.db.owner.connect();
    try {
      await owner.query('BEGIN');
      await owner.query(`CREATE OR REPLACE FUNCTION public.current_company_id() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT (auth.jwt() ->> 'company_id')::uuid $$`);
      const seen = await visibleRows(owner, { sub: globex.adminUserId, company_id: acme.companyId }, ['companies', 'roles', 'users']);
      expect(seen).toMatchObject({ companies: 1, roles: 3, users: 1 });
    } finally {
      await owner.query('ROLLBACK');
      owner.release();
    }
  });
});
